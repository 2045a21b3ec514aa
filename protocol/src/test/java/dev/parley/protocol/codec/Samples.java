package dev.parley.protocol.codec;

import dev.parley.protocol.PeerId;
import dev.parley.protocol.crypto.Base64Url;
import dev.parley.protocol.crypto.IdentityKeyPair;
import dev.parley.protocol.peer.Ack;
import dev.parley.protocol.peer.CallAccept;
import dev.parley.protocol.peer.CallBusy;
import dev.parley.protocol.peer.CallCancel;
import dev.parley.protocol.peer.CallDecline;
import dev.parley.protocol.peer.CallHangup;
import dev.parley.protocol.peer.CallInvite;
import dev.parley.protocol.peer.ChatText;
import dev.parley.protocol.peer.FileAccept;
import dev.parley.protocol.peer.FileCancel;
import dev.parley.protocol.peer.FileDecline;
import dev.parley.protocol.peer.FileOffer;
import dev.parley.protocol.peer.FileResult;
import dev.parley.protocol.group.Cutoff;
import dev.parley.protocol.group.GroupMessage;
import dev.parley.protocol.group.RosterAction;
import dev.parley.protocol.group.RosterOp;
import dev.parley.protocol.peer.GroupAck;
import dev.parley.protocol.peer.GroupPosts;
import dev.parley.protocol.peer.GroupRoster;
import dev.parley.protocol.peer.GroupSummary;
import dev.parley.protocol.peer.GroupRead;
import dev.parley.protocol.peer.GroupTyping;
import dev.parley.protocol.peer.GroupCallState;
import dev.parley.protocol.peer.GroupCallRefused;
import dev.parley.protocol.peer.Hello;
import dev.parley.protocol.peer.ReadReceipt;
import dev.parley.protocol.peer.Typing;
import dev.parley.protocol.signal.Answer;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.Challenge;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.GetIceServers;
import dev.parley.protocol.signal.Logout;
import dev.parley.protocol.signal.GoingAway;
import dev.parley.protocol.signal.IceServer;
import dev.parley.protocol.signal.IceServers;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Ping;
import dev.parley.protocol.signal.Pong;
import dev.parley.protocol.signal.Presence;
import dev.parley.protocol.signal.SdpProof;
import dev.parley.protocol.signal.Watch;
import dev.parley.protocol.signal.Welcome;

import java.util.List;
import java.util.UUID;

/**
 * At least one instance of every wire record, with optional fields both present and absent where a
 * record has them. {@link WireCodecRoundTripTest} fails naming any record of a sealed hierarchy that
 * has none here, so a new message cannot go untested.
 */
final class Samples {
    static final IdentityKeyPair KEY = IdentityKeyPair.generate();
    static final PeerId A = KEY.publicKey().peerId();
    static final PeerId B = IdentityKeyPair.generate().publicKey().peerId();
    static final String SESSION = "AAECAwQFBgcICQoLDA0ODw";
    static final String SIG = Base64Url.encode(new byte[64]);
    static final SdpProof PROOF = new SdpProof(KEY.publicKey(), SESSION, 3, 1_700_000_000_000L, SIG);
    static final UUID ID = UUID.fromString("0b6f3d1e-7c2a-4b7e-9a55-2f1f0c7e9d10");
    static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    static final IdentityKeyPair MEMBER = IdentityKeyPair.generate();
    static final RosterOp GROUP_CREATE = RosterOp.create(KEY, "family ✓", new byte[16], 1_700_000_000_000L);
    static final RosterOp GROUP_ADD = RosterOp.sign(KEY, GROUP_CREATE.group(), RosterAction.ADD, GROUP_CREATE.id(), 2,
            1_700_000_000_001L, MEMBER.publicKey(), "Bob", null, null);
    static final GroupMessage GROUP_POST_1 = GroupMessage.sign(KEY, GROUP_CREATE.group(), 1, null, List.of(),
            GROUP_ADD.id(), 1, 1_700_000_000_002L, "hello all");
    static final GroupMessage GROUP_POST_2 = GroupMessage.sign(MEMBER, GROUP_CREATE.group(), 1, null,
            List.of(GROUP_POST_1.id()), GROUP_ADD.id(), 2, 1_700_000_000_003L, "hi ✓");
    static final RosterOp GROUP_REMOVE = RosterOp.sign(KEY, GROUP_CREATE.group(), RosterAction.REMOVE, GROUP_ADD.id(), 3,
            1_700_000_000_004L, MEMBER.publicKey(), null, null, new Cutoff(1, GROUP_POST_2.id()));

    /** Client → server; relayed ones without {@code from} (the server stamps it). */
    static final List<Object> CLIENT = List.of(
            new Auth(KEY.publicKey(), Base64Url.encode(new byte[32]), SIG),
            new Auth(KEY.publicKey(), Base64Url.encode(new byte[32]), SIG, "n3 1764762351123-4"),
            new Watch(List.of(A, B)),
            new Watch(List.of()),
            new Offer(B, null, "m1", "v=0\r\n", PROOF),
            new Answer(A, null, null, "v=0\r\n", PROOF),
            new Candidate(B, null, null, SESSION, "candidate:1 1 udp 2122260223 192.0.2.2 50000 typ host", "0", 0),
            new Candidate(B, null, "c-1", SESSION, "candidate:1 1 udp 2122260223 192.0.2.2 50000 typ host", "0", 0, "f00d"),
            new Candidate(B, null, null, SESSION, "", null, null),
            new Ping("7"),
            new Ping(null),
            new GetIceServers(),
            new Logout());

    static final List<Object> SERVER = List.of(
            new Challenge(1, Base64Url.encode(new byte[32]), 10_000),
            new Welcome(A, false, 20_000, 60_000, 30_000,
                    List.of(new IceServer(List.of("turn:192.0.2.2:3478?transport=udp"), "1700000000:" + A, "cGFzcw")),
                    3600, new Welcome.Limits(65536, 50, 200, 1000)),
            new Welcome(A, true, 20_000, 60_000, 30_000, List.of(), 0, new Welcome.Limits(65536, 50, 200, 1000),
                    List.of("wss://sig-2.example:443/", "ws://192.0.2.7:7000/")),
            new Presence(List.of(new Presence.Entry(B, true), new Presence.Entry(A, false))),
            new Offer(A, B, "m1", "v=0\r\n", PROOF),
            new Offer(A, B, "m2", "v=0\r\n", PROOF, "n3 1764762351123-4"),
            new Answer(A, B, null, "v=0\r\n", PROOF),
            new Answer(A, B, null, "v=0\r\n", PROOF, "node-b 1764762351124-0"),
            new Candidate(A, B, null, SESSION, "", null, null),
            new Candidate(A, B, "c-2", SESSION, "candidate:1 1 udp 1 192.0.2.1 5000 typ host", "0", 0, "f00d"),
            new Candidate(A, B, "c-3", SESSION, "candidate:1 1 udp 1 192.0.2.1 5000 typ host", "0", 0, null, "n1 1-0"),
            new Pong("7"),
            new IceServers(List.of(new IceServer(List.of("stun:192.0.2.2:3478"), null, null)), 0),
            new ErrorMessage(ErrorCode.PEER_OFFLINE, "peer is offline", "m1"),
            new ErrorMessage(ErrorCode.BAD_REQUEST, "x", null),
            new GoingAway("restart", 2000));

    static final List<Object> PEER = List.of(
            new Hello(1, "parley/0.1"),
            new ChatText(ID, 7, 1_700_000_000_000L, "hi ✓"),
            new Ack(List.of(ID)),
            new ReadReceipt(List.of(ID)),
            new Typing(true),
            new FileOffer(ID, "holiday ✓.jpg", 1_048_576, "image/jpeg", SHA),
            new FileAccept(ID, 0, 262_144),
            new FileAccept(ID, 4_194_304, null),
            new FileDecline(ID, "declined"),
            new FileCancel(ID, "cancelled"),
            new FileResult(ID, true, null),
            new FileResult(ID, false, "sha256-mismatch"),
            new CallInvite(ID, 1_700_000_000_000L),
            new CallAccept(ID),
            new CallDecline(ID),
            new CallBusy(ID),
            new CallCancel(ID, CallCancel.NO_ANSWER),
            new CallHangup(ID, CallHangup.NORMAL),
            new GroupRoster(GROUP_CREATE.group(), List.of(GROUP_CREATE, GROUP_ADD, GROUP_REMOVE)),
            new GroupPosts(GROUP_CREATE.group(), List.of(GROUP_POST_1, GROUP_POST_2)),
            new GroupAck(GROUP_CREATE.group(), List.of(GROUP_POST_1.id())),
            new GroupAck(GROUP_CREATE.group(), List.of()),
            new GroupSummary(GROUP_CREATE.group(), GROUP_REMOVE.id(), 3, List.of(new GroupSummary.Chain(A, 2))),
            new GroupSummary(GROUP_CREATE.group(), GROUP_CREATE.id(), 1, List.of()),
            new GroupRead(GROUP_CREATE.group(), GROUP_POST_1.id()),
            new GroupTyping(GROUP_CREATE.group(), true),
            new GroupTyping(GROUP_CREATE.group(), false),
            new GroupCallState(GROUP_CREATE.group(), ID, 1_700_000_000_000L, true),
            new GroupCallState(GROUP_CREATE.group(), ID, 1_700_000_000_000L, false),
            new GroupCallState(GROUP_CREATE.group(), ID, 1_700_000_000_000L, true, true),
            new GroupCallRefused(GROUP_CREATE.group(), ID, GroupCallRefused.FULL));

    private Samples() {}
}
