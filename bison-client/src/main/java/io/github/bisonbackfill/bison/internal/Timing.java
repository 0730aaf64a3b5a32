package io.github.bisonbackfill.bison.internal;

import java.time.Clock;
import java.time.Duration;

/**
 * Where the client reads time and waits: the retry layer's backoff and {@code Retry-After} waits,
 * and the workspace context's settle, verification and recovery waits. {@link #SYSTEM} in
 * production; tests hand in a fake (through a package-private hook of {@code BisonClient.Builder})
 * that records the waits asked for and lets its time jump ahead, so those paths run in milliseconds.
 * Not used for waits on other threads (the per-attempt timeout, the read-back watcher of a fence
 * group, Failsafe's rate limiter and bulkhead): those stay on the system's time.
 */
public interface Timing {
    /** The system's monotonic time, wall clock (UTC) and {@link Thread#sleep}. */
    Timing SYSTEM = new Timing() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            if (!duration.isNegative() && !duration.isZero()) {
                Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
            }
        }

        @Override
        public String toString() {
            return "Timing.SYSTEM";
        }
    };

    /** Returns monotonic time in nanoseconds, as {@link System#nanoTime()}: only differences count. */
    long nanoTime();

    /** Returns the wall clock that {@code Retry-After} dates are measured against. */
    Clock clock();

    /**
     * Waits {@code duration}; returns at once for zero or a negative duration.
     *
     * @param duration how long to wait
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    void sleep(Duration duration) throws InterruptedException;
}
