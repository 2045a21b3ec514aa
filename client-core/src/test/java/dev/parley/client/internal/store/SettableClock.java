package dev.parley.client.internal.store;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand (Briar's SettableClock). */
final class SettableClock extends Clock {
    private final AtomicLong millis;

    SettableClock(long startMillis) {
        this.millis = new AtomicLong(startMillis);
    }

    void advanceMillis(long d) {
        millis.addAndGet(d);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }
}
