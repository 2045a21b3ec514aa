package dev.parley.client.internal.event;

import dev.parley.client.CallId;
import dev.parley.client.CallRecord;
import dev.parley.client.CallStats;
import dev.parley.client.ChatMessage;
import dev.parley.client.Contact;
import dev.parley.client.Direction;
import dev.parley.client.MessageId;
import dev.parley.client.MessageState;
import dev.parley.client.ParleyListener;
import dev.parley.client.ServerStatus;
import dev.parley.client.SessionStatus;
import dev.parley.client.Transfer;
import dev.parley.client.TransferId;
import dev.parley.client.TransferOffer;
import dev.parley.client.TransferProgress;
import dev.parley.protocol.PeerId;

import java.nio.file.Path;

/**
 * Everything client-core tells the app, as values on the one internal event stream ({@link EventStream}).
 * Each event knows which {@link ParleyListener} callback it is, so adding one breaks the build here
 * and nowhere else.
 */
public sealed interface ClientEvent {
    /** Calls the matching listener method; runs on the event thread. */
    void deliverTo(ParleyListener l);

    // ---------------------------------------------------------------- chat (stored state)
    record MessageAdded(ChatMessage message) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onMessage(message); }
    }

    record MessageStateChanged(MessageId id, PeerId peer, MessageState state) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onMessageState(id, peer, state); }
    }

    record Typing(PeerId peer, boolean typing) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onTyping(peer, typing); }
    }

    // ---------------------------------------------------------------- contacts (stored state)
    record ContactChanged(Contact contact) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onContactChanged(contact); }
    }

    record ContactRemoved(PeerId peer) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onContactRemoved(peer); }
    }

    // ---------------------------------------------------------------- server and sessions
    record ServerStateChanged(ServerStatus status) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onServerState(status); }
    }

    record Presence(PeerId peer, boolean online) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onPresence(peer, online); }
    }

    record SessionStateChanged(PeerId peer, SessionStatus state, String detail) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onSessionState(peer, state, detail); }
    }

    record SecurityWarning(PeerId peer, String reason) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onSecurityWarning(peer, reason); }
    }

    record StrangerRefused(PeerId peer) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onStrangerRefused(peer); }
    }

    // ---------------------------------------------------------------- files
    record TransferChanged(Transfer transfer) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onTransferChanged(transfer); }
    }

    record FileOffered(TransferOffer offer) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onFileOffered(offer); }
    }

    record FileStarted(TransferId id, Direction direction, long offset) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onFileStarted(id, direction, offset); }
    }

    record FileProgress(TransferProgress progress) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onFileProgress(progress); }
    }

    record FileCompleted(TransferId id, Direction direction, Path file, String sha256Hex) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onFileCompleted(id, direction, file, sha256Hex); }
    }

    record FileFailed(TransferId id, Direction direction, String reason) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onFileFailed(id, direction, reason); }
    }

    record FileCancelled(TransferId id, Direction direction, boolean byPeer, String reason) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onFileCancelled(id, direction, byPeer, reason); }
    }

    record FileDeclined(TransferId id, String reason) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onFileDeclined(id, reason); }
    }

    // ---------------------------------------------------------------- calls
    record CallDialing(CallId id, PeerId peer) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onCallDialing(id, peer); }
    }

    record CallRinging(CallId id, PeerId peer) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onCallRinging(id, peer); }
    }

    record CallAnswered(CallId id, PeerId peer) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onCallAnswered(id, peer); }
    }

    record CallMuted(CallId id, boolean muted) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onCallMuted(id, muted); }
    }

    record CallStatsUpdated(CallStats stats) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onCallStats(stats); }
    }

    record CallEnded(CallRecord record) implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onCallEnded(record); }
    }

    // ---------------------------------------------------------------- end
    /** Terminal: nothing follows it. Only {@link EventStream#close()} publishes it. */
    record Closed() implements ClientEvent {
        public void deliverTo(ParleyListener l) { l.onClosed(); }
    }
}
