package dev.parley.client.internal.transfer;

import dev.parley.client.TransferId;
import dev.parley.client.internal.files.Download;
import dev.parley.client.internal.session.PeerLink;
import dev.parley.protocol.PeerId;
import dev.parley.protocol.peer.FileAccept;

/**
 * The 1:1 sender as the {@link Download} loop asks it (docs/protocol.md § File transfers): one ask per
 * link, "from my offset to the end", which is a {@code file-accept}; what we wrote is acknowledged
 * every so many bytes on the transfer's channel, the window the sender streams within.
 *
 * <p>Confinement: the engine's control thread, like its {@link Receiver}.
 */
final class StreamSource implements Download.Source {
    private final TransferContext ctx;
    private final TransferId id;
    private final PeerId peer;
    private final String label;
    /** The link to receive on (asked, or about to be once the part file is open); null after link loss. */
    private PeerLink link;
    private boolean asked;
    private long ackedAt;

    StreamSource(TransferContext ctx, TransferId id, PeerId peer) {
        this.ctx = ctx;
        this.id = id;
        this.peer = peer;
        this.label = Frames.label(id);
    }

    /** Receive on {@code link} from now on (a new link, or a fresh channel on it): it is to be asked again. */
    void receiveOn(PeerLink link) {
        this.link = link;
        this.asked = false;
    }

    PeerLink link() {
        return link;
    }

    void lost() {
        link = null;
        asked = false;
    }

    /** The stream starts again from {@code offset}: acknowledgements count from there. */
    void startsAt(long offset) {
        ackedAt = offset;
    }

    @Override
    public int room() {
        return link != null && !asked ? 1 : 0;
    }

    @Override
    public void ask(Download.Range range) {
        asked = true;
        link.sendControl(new FileAccept(id.value(), range.from(), ctx.config.maxMessageSize()));
    }

    /** {@code held} bytes are written: every {@code ackEveryBytes}, and at the end, the sender hears it. */
    void written(long held, long size) {
        if (held - ackedAt < ctx.config.ackEveryBytes() && held != size) return;
        ackedAt = held;
        PeerLink l = ctx.link(peer);
        if (l != null) l.sendBinary(label, Frames.ack(held));
    }
}
