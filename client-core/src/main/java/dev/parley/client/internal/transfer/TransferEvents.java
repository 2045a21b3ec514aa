package dev.parley.client.internal.transfer;

import dev.parley.client.Direction;
import dev.parley.client.TransferId;
import dev.parley.client.TransferOffer;
import dev.parley.client.TransferProgress;
import dev.parley.client.ParleyEvent;
import dev.parley.client.internal.event.EventSink;

import java.nio.file.Path;

/** A transfer engine's events as app events on the one event stream. */
public final class TransferEvents implements TransferListener {
    private final EventSink sink;

    public TransferEvents(EventSink sink) {
        this.sink = sink;
    }

    @Override
    public void onOffered(TransferOffer offer) {
        sink.publish(new ParleyEvent.FileOffered(offer));
    }

    @Override
    public void onStarted(TransferId id, Direction direction, long offset) {
        sink.publish(new ParleyEvent.FileStarted(id, direction, offset));
    }

    @Override
    public void onProgress(TransferProgress progress) {
        sink.publish(new ParleyEvent.FileProgress(progress));
    }

    @Override
    public void onCompleted(TransferId id, Direction direction, Path file, String sha256Hex) {
        sink.publish(new ParleyEvent.FileCompleted(id, direction, file, sha256Hex));
    }

    @Override
    public void onFailed(TransferId id, Direction direction, String reason) {
        sink.publish(new ParleyEvent.FileFailed(id, direction, reason));
    }

    @Override
    public void onCancelled(TransferId id, Direction direction, boolean byPeer, String reason) {
        sink.publish(new ParleyEvent.FileCancelled(id, direction, byPeer, reason));
    }

    @Override
    public void onDeclined(TransferId id, String reason) {
        sink.publish(new ParleyEvent.FileDeclined(id, reason));
    }
}
