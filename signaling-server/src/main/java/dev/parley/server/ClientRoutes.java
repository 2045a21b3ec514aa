package dev.parley.server;

import dev.parley.protocol.signal.Answer;
import dev.parley.protocol.signal.Auth;
import dev.parley.protocol.signal.Candidate;
import dev.parley.protocol.signal.ClientMessage;
import dev.parley.protocol.signal.ErrorCode;
import dev.parley.protocol.signal.GetIceServers;
import dev.parley.protocol.signal.Logout;
import dev.parley.protocol.signal.Offer;
import dev.parley.protocol.signal.Ping;
import dev.parley.protocol.signal.Watch;

/**
 * Where each client message goes, one method per message ({@link ClientMessage.Handler}): a new
 * message breaks the build here until both states route it. Runs on the thread that read the frame.
 */
final class ClientRoutes {
    private ClientRoutes() {}

    /** Before login: only {@code auth} is allowed. */
    static final class PreAuth implements ClientMessage.Handler {
        private final Relay relay;
        private final Connection c;

        PreAuth(Relay relay, Connection c) {
            this.relay = relay;
            this.c = c;
        }

        @Override
        public void auth(Auth m) {
            relay.login(c, m);
        }

        private void refuse() {
            relay.fail(c, ErrorCode.NOT_AUTHENTICATED, "log in first: answer the challenge with auth", null);
        }

        @Override
        public void watch(Watch m) {
            refuse();
        }

        @Override
        public void offer(Offer m) {
            refuse();
        }

        @Override
        public void answer(Answer m) {
            refuse();
        }

        @Override
        public void candidate(Candidate m) {
            refuse();
        }

        @Override
        public void ping(Ping m) {
            refuse();
        }

        @Override
        public void getIceServers(GetIceServers m) {
            refuse();
        }

        @Override
        public void logout(Logout m) {
            refuse();
        }
    }

    /** A logged-in connection; {@code text} is the message as received, for relaying. */
    static final class LoggedIn implements ClientMessage.Handler {
        private final Relay relay;
        private final Connection c;
        private final Session s;
        private final String text;
        private final long t0;

        LoggedIn(Relay relay, Connection c, Session s, String text, long t0) {
            this.relay = relay;
            this.c = c;
            this.s = s;
            this.text = text;
            this.t0 = t0;
        }

        @Override
        public void auth(Auth m) {
            relay.fail(c, ErrorCode.NOT_AUTHENTICATED, "already logged in", null);
        }

        @Override
        public void watch(Watch m) {
            relay.watch(c, s, m);
        }

        @Override
        public void offer(Offer m) {
            relay.relay(c, s, m, text, t0, 0);
        }

        @Override
        public void answer(Answer m) {
            relay.relay(c, s, m, text, t0, 1);
        }

        @Override
        public void candidate(Candidate m) {
            relay.relay(c, s, m, text, t0, 2);
        }

        @Override
        public void ping(Ping m) {
            relay.pong(c, m);
        }

        @Override
        public void getIceServers(GetIceServers m) {
            relay.iceServers(c, s);
        }

        @Override
        public void logout(Logout m) {
            relay.logout(c);
        }
    }
}
