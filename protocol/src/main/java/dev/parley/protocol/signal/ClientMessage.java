package dev.parley.protocol.signal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Everything a client may send to the signaling server: a closed set, one record per action, told
 * apart by the {@code type} property (docs/protocol.md is the contract).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Auth.class, name = "auth"),
        @JsonSubTypes.Type(value = Watch.class, name = "watch"),
        @JsonSubTypes.Type(value = Offer.class, name = "offer"),
        @JsonSubTypes.Type(value = Answer.class, name = "answer"),
        @JsonSubTypes.Type(value = Candidate.class, name = "candidate"),
        @JsonSubTypes.Type(value = Ping.class, name = "ping"),
        @JsonSubTypes.Type(value = GetIceServers.class, name = "get-ice-servers"),
        @JsonSubTypes.Type(value = Logout.class, name = "logout"),
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface ClientMessage permits Auth, Watch, Ping, GetIceServers, Logout, Relayed {
    /** Calls the handler method for this message's record. */
    void accept(Handler h);

    /**
     * One method per client message: a new record breaks the build at every router until it is handled
     * (Java 17 has no pattern switch, and an instanceof chain would ignore it silently).
     */
    interface Handler {
        void auth(Auth m);

        void watch(Watch m);

        void offer(Offer m);

        void answer(Answer m);

        void candidate(Candidate m);

        void ping(Ping m);

        void getIceServers(GetIceServers m);

        void logout(Logout m);
    }
}
