package dev.parley.protocol.peer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Everything peers say to each other on the reliable, ordered {@code chat} data channel: one JSON
 * object per data-channel text message, told apart by {@code type} (docs/protocol.md § Peer protocol).
 * It never passes through the signaling server.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Hello.class, name = "hello"),
        @JsonSubTypes.Type(value = ChatText.class, name = "msg"),
        @JsonSubTypes.Type(value = Ack.class, name = "ack"),
        @JsonSubTypes.Type(value = ReadReceipt.class, name = "read"),
        @JsonSubTypes.Type(value = Typing.class, name = "typing"),
        @JsonSubTypes.Type(value = FileOffer.class, name = "file-offer"),
        @JsonSubTypes.Type(value = FileAccept.class, name = "file-accept"),
        @JsonSubTypes.Type(value = FileDecline.class, name = "file-decline"),
        @JsonSubTypes.Type(value = FileCancel.class, name = "file-cancel"),
        @JsonSubTypes.Type(value = FileResult.class, name = "file-result"),
        @JsonSubTypes.Type(value = CallInvite.class, name = "call-invite"),
        @JsonSubTypes.Type(value = CallAccept.class, name = "call-accept"),
        @JsonSubTypes.Type(value = CallDecline.class, name = "call-decline"),
        @JsonSubTypes.Type(value = CallBusy.class, name = "call-busy"),
        @JsonSubTypes.Type(value = CallCancel.class, name = "call-cancel"),
        @JsonSubTypes.Type(value = CallHangup.class, name = "call-hangup"),
        @JsonSubTypes.Type(value = GroupRoster.class, name = "group-roster"),
        @JsonSubTypes.Type(value = GroupPosts.class, name = "group-msgs"),
        @JsonSubTypes.Type(value = GroupAck.class, name = "group-ack"),
        @JsonSubTypes.Type(value = GroupSummary.class, name = "group-summary"),
        @JsonSubTypes.Type(value = GroupRead.class, name = "group-read"),
        @JsonSubTypes.Type(value = GroupTyping.class, name = "group-typing"),
        @JsonSubTypes.Type(value = GroupCallState.class, name = "group-call"),
        @JsonSubTypes.Type(value = GroupCallRefused.class, name = "group-call-refused"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface PeerMessage permits Hello, ChatText, Ack, ReadReceipt, Typing,
        FileOffer, FileAccept, FileDecline, FileCancel, FileResult,
        CallInvite, CallAccept, CallDecline, CallBusy, CallCancel, CallHangup,
        GroupRoster, GroupPosts, GroupAck, GroupSummary, GroupRead, GroupTyping,
        GroupCallState, GroupCallRefused {
    /** The data channel label chat and control messages travel on. */
    String CHAT_CHANNEL = "chat";
    /** The peer protocol version in {@link Hello}. */
    int VERSION = 1;
    /** Largest chat text, in UTF-8 bytes; the encoded message stays far below every browser's limit. */
    int MAX_TEXT_BYTES = 16 * 1024;
    /** Largest encoded peer message a receiver must accept on the chat channel. */
    int MAX_MESSAGE_BYTES = 64 * 1024;

    /** Calls the handler method for this message's record. */
    void accept(Handler h);

    /** One method per peer message, so a new record breaks the build at every router until it is handled. */
    interface Handler {
        void hello(Hello m);

        void chatText(ChatText m);

        void ack(Ack m);

        void readReceipt(ReadReceipt m);

        void typing(Typing m);

        void fileOffer(FileOffer m);

        void fileAccept(FileAccept m);

        void fileDecline(FileDecline m);

        void fileCancel(FileCancel m);

        void fileResult(FileResult m);

        void callInvite(CallInvite m);

        void callAccept(CallAccept m);

        void callDecline(CallDecline m);

        void callBusy(CallBusy m);

        void callCancel(CallCancel m);

        void callHangup(CallHangup m);

        void groupRoster(GroupRoster m);

        void groupPosts(GroupPosts m);

        void groupAck(GroupAck m);

        void groupSummary(GroupSummary m);

        void groupRead(GroupRead m);

        void groupTyping(GroupTyping m);

        void groupCallState(GroupCallState m);

        void groupCallRefused(GroupCallRefused m);
    }
}
