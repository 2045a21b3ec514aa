package dev.parley.protocol.group;

import dev.parley.protocol.crypto.IdentityKeyPair;

import java.util.List;

import static dev.parley.protocol.crypto.Hashes.unhex;

/** The records behind the group test vectors: RFC 8032 TEST 1/2 keys ("Alice", "Bob"), fixed salt and times. */
final class GroupFixtures {
    static final IdentityKeyPair ALICE = IdentityKeyPair.fromSeed(unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    static final IdentityKeyPair BOB = IdentityKeyPair.fromSeed(unhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"));
    static final byte[] SALT = unhex("000102030405060708090a0b0c0d0e0f");
    static final long T0 = 1_700_000_000_000L;

    static final RosterOp CREATE = RosterOp.create(ALICE, "Family", SALT, T0);
    static final GroupId GROUP = CREATE.group();
    static final RosterOp ADD_BOB = RosterOp.sign(ALICE, GROUP, RosterAction.ADD, CREATE.id(), 2, T0 + 1,
            BOB.publicKey(), "Bob", null, null);
    static final GroupMessage ALICE_1 = GroupMessage.sign(ALICE, GROUP, 1, null, List.of(), ADD_BOB.id(), 1, T0 + 2, "hello");
    static final GroupMessage BOB_1 = GroupMessage.sign(BOB, GROUP, 1, null, List.of(ALICE_1.id()), ADD_BOB.id(), 2, T0 + 3, "hi ✓");
    static final GroupMessage ALICE_2 = GroupMessage.sign(ALICE, GROUP, 2, ALICE_1.id(), List.of(BOB_1.id()), ADD_BOB.id(), 3, T0 + 4, "how are you?");
    static final RosterOp REMOVE_BOB = RosterOp.sign(ALICE, GROUP, RosterAction.REMOVE, ADD_BOB.id(), 3, T0 + 5,
            BOB.publicKey(), null, null, new Cutoff(1, BOB_1.id()));

    private GroupFixtures() {}
}
