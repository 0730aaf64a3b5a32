package io.github.bisonbackfill.bison;

import io.github.bisonbackfill.bison.internal.Timing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Timing} whose waits return at once: it records every wait asked for and moves its time
 * ahead by it, so a test of Retry-After, backoff or settle paths takes milliseconds and can assert the
 * waits themselves. Its monotonic time is the system's plus the waits skipped (or, made with
 * {@link #stopped}, the waits skipped alone); its wall clock stands at {@code start} plus the waits
 * skipped, so an HTTP date in {@code Retry-After} gives an exact wait.
 */
final class FakeTiming implements Timing {
    private final Instant start;
    private final boolean realTimePasses;
    private final AtomicLong skippedNanos = new AtomicLong();
    private final List<Duration> waits = new ArrayList<>();

    FakeTiming(Instant start) {
        this(start, true);
    }

    private FakeTiming(Instant start, boolean realTimePasses) {
        this.start = start;
        this.realTimePasses = realTimePasses;
    }

    /**
     * Returns a fake whose monotonic time moves only by the waits asked for, not with the real time
     * the requests take: a budget counted in waits (say verificationAttempts x verificationInterval)
     * then ends after the same number of requests however fast or slow the server answers.
     */
    static FakeTiming stopped(Instant start) {
        return new FakeTiming(start, false);
    }

    @Override
    public long nanoTime() {
        return (realTimePasses ? System.nanoTime() : 0) + skippedNanos.get();
    }

    @Override
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException("UTC only");
            }

            @Override
            public Instant instant() {
                return start.plusNanos(skippedNanos.get());
            }
        };
    }

    @Override
    public void sleep(Duration duration) {
        synchronized (waits) {
            waits.add(duration);
        }
        if (!duration.isNegative()) {
            skippedNanos.addAndGet(duration.toNanos());
        }
    }

    /** Returns the waits asked for so far, in order. */
    List<Duration> waits() {
        synchronized (waits) {
            return List.copyOf(waits);
        }
    }
}
