package dev.parley.client.internal.signaling;

import dev.parley.protocol.signal.ErrorMessage;
import dev.parley.protocol.signal.IceServers;
import dev.parley.protocol.signal.Presence;
import dev.parley.protocol.signal.Relayed;
import dev.parley.protocol.signal.Welcome;
import dev.parley.testing.EventRecorder;

import java.time.Duration;

/** Every {@link SignalingListener} call as a value, into the shared strict recorder; {@code onOffline} as "offline RETRY REASON". */
final class SignalingEvents extends EventRecorder<Object> implements SignalingListener {
    SignalingEvents(String name) {
        super(name);
        timeout(Duration.ofSeconds(10));
    }

    @Override
    public void onOnline(Welcome welcome) {
        record(welcome);
    }

    @Override
    public void onOffline(String reason, long retryInMs) {
        record("offline " + retryInMs + " " + reason);
    }

    @Override
    public void onRelayed(Relayed message) {
        record(message);
    }

    @Override
    public void onPresence(Presence presence) {
        record(presence);
    }

    @Override
    public void onIceServers(IceServers servers) {
        record(servers);
    }

    @Override
    public void onError(ErrorMessage error) {
        record(error);
    }
}
