package dev.parley.protocol.signal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Everything the signaling server sends to a client, told apart by the {@code type} property. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Challenge.class, name = "challenge"),
        @JsonSubTypes.Type(value = Welcome.class, name = "welcome"),
        @JsonSubTypes.Type(value = Presence.class, name = "presence"),
        @JsonSubTypes.Type(value = Offer.class, name = "offer"),
        @JsonSubTypes.Type(value = Answer.class, name = "answer"),
        @JsonSubTypes.Type(value = Candidate.class, name = "candidate"),
        @JsonSubTypes.Type(value = Pong.class, name = "pong"),
        @JsonSubTypes.Type(value = IceServers.class, name = "ice-servers"),
        @JsonSubTypes.Type(value = ErrorMessage.class, name = "error"),
        @JsonSubTypes.Type(value = GoingAway.class, name = "going-away"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface ServerMessage permits Challenge, Welcome, Presence, Pong, IceServers, ErrorMessage, GoingAway, Relayed {
    /** Calls the handler method for this message's record. */
    void accept(Handler h);

    /** One method per server message, so a new record breaks the build at every router until it is handled. */
    interface Handler {
        void challenge(Challenge m);

        void welcome(Welcome m);

        void presence(Presence m);

        void offer(Offer m);

        void answer(Answer m);

        void candidate(Candidate m);

        void pong(Pong m);

        void iceServers(IceServers m);

        void error(ErrorMessage m);

        void goingAway(GoingAway m);
    }
}
