package dev.parley.protocol.group;

import dev.parley.protocol.codec.WireCodec;
import dev.parley.protocol.peer.GroupPosts;
import dev.parley.protocol.peer.GroupRoster;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.parley.protocol.crypto.Hashes.hex;
import static dev.parley.protocol.group.GroupFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The group test vectors of docs/protocol.md § Groups: the values here are what the code computes
 * from {@link GroupFixtures}, and each must appear verbatim in the document, so neither can drift.
 */
class GroupVectorsTest {
    static final String GROUP_ID = "GUO2BwHofkLxJWM9eRYD1Rd0of5j-sgCjgVpgj-8SyE";
    static final String CREATE_HEX = "000000125041524c45592d47524f55502d4f502d763100000006637265617465000000201943b60701e87e42f125633d791603d51774a1fe63fac8028e0569823fbc4b2100000020d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a00000000000000080000000000000001000000080000018bcfe56800000000000000000646616d696c7900000010000102030405060708090a0b0c0d0e0f0000000000000000";
    static final String CREATE_ID = "usSwZ7GS3wgSrBJosSrc8aM-B7LOKVi9z8ZKFf0LyiI";
    static final String CREATE_SIG = "3jPDsol54enQsu_AM_XkxgKbXsZbwpTUTQP2TgPH-ehK63-m6hx-MwKDJBdWCqmK5sTZj4Vf0tteAZ_cgN8iCg";
    static final String ADD_HEX = "000000125041524c45592d47524f55502d4f502d763100000003616464000000201943b60701e87e42f125633d791603d51774a1fe63fac8028e0569823fbc4b2100000020d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a00000020bac4b067b192df0812ac1268b12adcf1a33e07b2ce2958bdcfc64a15fd0bca22000000080000000000000002000000080000018bcfe56801000000203d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c00000003426f62000000000000000000000000";
    static final String ADD_ID = "yc4luOKrmoDie7Sb_n579QfxMr9EQzyS9-rooGnBWoQ";
    static final String ADD_SIG = "X-WU7kziFCTk8Z-FAjhu0jE9R2IBKNYGz5Uu2iKdfpumVDO1IEFkpgyIvKcKxD98Imxr7qR8Slo6biOytj2kDw";
    static final String REMOVE_ID = "6VYSNPeeoonyK7QiDDRMOlT_AWPRq4udARtHHMcn7dA";
    static final String MSG_HEX = "000000135041524c45592d47524f55502d4d53472d7631000000201943b60701e87e42f125633d791603d51774a1fe63fac8028e0569823fbc4b2100000020d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a0000000800000000000000010000000000000020c9ce25b8e2ab9a80e27bb49bfe7e7bf507f132bf44433c92f7eae8a069c15a8400000000000000080000000000000001000000080000018bcfe568020000000568656c6c6f";
    static final String MSG_ID = "NCCj4lG7j2AqNHtEi-l4D5RH_WeDggUiGp0fOJf6aIg";
    static final String MSG_SIG = "zlp9fc1DItuRxIoZTEdTEV62-TFXsNcQJN9fAxI0nmccj5DKAFb1AsJtgMGDY54jRHzo8EPmHNU89qV5b-LwCg";
    static final String MSG2_HEX = "000000135041524c45592d47524f55502d4d53472d7631000000201943b60701e87e42f125633d791603d51774a1fe63fac8028e0569823fbc4b2100000020d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a000000080000000000000002000000203420a3e251bb8f602a347b448be9780f9447fd67838205221a9d1f3897fa688800000020c9ce25b8e2ab9a80e27bb49bfe7e7bf507f132bf44433c92f7eae8a069c15a8400000020c9a1b5a47a8cf9a22f04c291ce18c2eb6257119a0c1055e4ab0e23d15c48d40b000000080000000000000003000000080000018bcfe568040000000c686f772061726520796f753f";
    static final String MSG2_ID = "5G2EJspVvpQ2F8nYn3F1T0r98J7SPODltmztp4R847Q";
    static final String MSG2_SIG = "JucuwYsnG10_UQNUIC4dB4x4aSQWSFSgg2FTiilxuOi0bN_jjL3yyKJCrCbksRHqY7_qDfhqCyUvjo8R270tCg";

    @Test
    void groupIdIsDerivedFromCreatorKeyAndSalt() {
        assertThat(GROUP.value()).isEqualTo(GROUP_ID);
        assertThat(GroupId.derive(ALICE.publicKey(), SALT)).isEqualTo(GROUP);
        assertThat(GroupId.derive(BOB.publicKey(), SALT)).isNotEqualTo(GROUP);
        assertThat(GroupId.derive(ALICE.publicKey(), new byte[16])).isNotEqualTo(GROUP);
    }

    @Test
    void rosterOperationBytesIdsAndSignatures() {
        assertThat(hex(CREATE.canonicalBytes())).isEqualTo(CREATE_HEX);
        assertThat(CREATE.id().value()).isEqualTo(CREATE_ID);
        assertThat(CREATE.signature()).isEqualTo(CREATE_SIG);
        assertThat(hex(ADD_BOB.canonicalBytes())).isEqualTo(ADD_HEX);
        assertThat(ADD_BOB.id().value()).isEqualTo(ADD_ID);
        assertThat(ADD_BOB.signature()).isEqualTo(ADD_SIG);
        assertThat(REMOVE_BOB.id().value()).isEqualTo(REMOVE_ID);
        assertThat(List.of(CREATE, ADD_BOB, REMOVE_BOB)).allMatch(RosterOp::verify);
    }

    @Test
    void groupMessageBytesIdsAndSignatures() {
        assertThat(hex(ALICE_1.canonicalBytes())).isEqualTo(MSG_HEX);
        assertThat(ALICE_1.id().value()).isEqualTo(MSG_ID);
        assertThat(ALICE_1.signature()).isEqualTo(MSG_SIG);
        assertThat(hex(ALICE_2.canonicalBytes())).isEqualTo(MSG2_HEX);
        assertThat(ALICE_2.id().value()).isEqualTo(MSG2_ID);
        assertThat(ALICE_2.signature()).isEqualTo(MSG2_SIG);
        assertThat(List.of(ALICE_1, BOB_1, ALICE_2)).allMatch(GroupMessage::verify);
    }

    @Test
    void theCanonicalBytesSurviveTheWire() throws Exception {
        WireCodec codec = WireCodec.standard();
        GroupRoster r = (GroupRoster) codec.decodePeerStrict(codec.encodePeer(new GroupRoster(GROUP, List.of(CREATE, ADD_BOB, REMOVE_BOB))));
        GroupPosts p = (GroupPosts) codec.decodePeerStrict(codec.encodePeer(new GroupPosts(GROUP, List.of(ALICE_1, BOB_1, ALICE_2))));
        assertThat(r.ops()).extracting(op -> hex(op.canonicalBytes()))
                .containsExactly(CREATE_HEX, ADD_HEX, hex(REMOVE_BOB.canonicalBytes()));
        assertThat(r.ops()).allMatch(RosterOp::verify);
        assertThat(p.messages().get(0).id().value()).isEqualTo(MSG_ID);
        assertThat(p.messages().get(2).id().value()).isEqualTo(MSG2_ID);
        assertThat(p.messages()).allMatch(GroupMessage::verify);
    }

    @Test
    void everyVectorIsInTheDocument() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "protocol.md"));
        int groups = doc.indexOf("## Groups");
        assertThat(groups).as("docs/protocol.md has a Groups section").isPositive();
        String section = doc.substring(groups);
        for (String v : List.of(GROUP_ID, CREATE_HEX, CREATE_ID, CREATE_SIG, ADD_HEX, ADD_ID, ADD_SIG, REMOVE_ID,
                MSG_HEX, MSG_ID, MSG_SIG, MSG2_HEX, MSG2_ID, MSG2_SIG)) {
            assertThat(section).as("vector in docs/protocol.md § Groups").contains(v);
        }
    }
}
