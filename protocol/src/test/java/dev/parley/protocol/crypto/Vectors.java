package dev.parley.protocol.crypto;

/** Expected values, copied verbatim into docs/protocol.md §Test vectors. */
final class Vectors {
    static final String ALICE_PEER_ID = "eh7ddx5bksrgcytl7bkai36se4nxx3kl";
    static final String BOB_PEER_ID = "hh3rhufgiqst6bcssqq3t5i3tmejphii";
    static final String AUTH_PAYLOAD_HEX = "0000000e5041524c45592d415554482d7631000000137369676e616c2e6578616d706c653a3834343300000020000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00000020d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    static final String AUTH_SIGNATURE = "0Ty5oOGJds-lIFS6opcN711nfQk68PTBLEnO1JbLUjIxYxKlLaDCUWv_ru-rtZ_ZsqBP1eAyRkPcUV6zAsGTAg";
    static final String SDP_OFFER_PAYLOAD_SHA256 = "6zqgsiwuhBq6ohsonwEy9FgUIlbfmExjgWEv2Hk-2QE";
    static final String SDP_OFFER_SIGNATURE = "9aW-D-F8Sq9t3VXLP3ypmt1N_0WvGXrpyMNfQlJ0tS2_1ezAOvBeaP-oNzFVku4PJsWwPPsVXbemI3eZyXFwCA";
    static final String SDP_ANSWER_PAYLOAD_SHA256 = "futIS-2YLIuQpiyG_--eklNFjsZZL534dRiMQeQX49g";
    static final String SAFETY_NUMBER_ALICE_BOB = "586148636017976664048529433872909386085491715155176725832759";

    private Vectors() {}
}
