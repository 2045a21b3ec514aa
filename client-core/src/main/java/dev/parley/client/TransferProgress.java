package dev.parley.client;


import java.time.Duration;

/**
 * How far a transfer is: {@code bytes} of {@code size} written by the receiver (on the sending side:
 * acknowledged by it), the recent rate, and the estimated time left ({@code null} while unknown).
 */
public record TransferProgress(TransferId id, Direction direction, long bytes, long size, double bytesPerSecond,
                               Duration eta) {
}
