package io.github.bisonbackfill.bison.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** The client's one backoff formula, for HTTP retries and for context recovery rounds. */
final class Backoff {
    private Backoff() {
    }

    /**
     * Exponential backoff with "equal jitter": {@code base * 2^(n-1)} capped at {@code cap}, of which
     * half is fixed and half uniformly random.
     *
     * @param baseNanos the first wait, before jitter
     * @param capNanos  the largest wait, before jitter
     * @param n         which wait this is, from 1
     * @return the wait, between half the capped exponential and all of it
     */
    static Duration equalJitter(long baseNanos, long capNanos, int n) {
        int shift = Math.min(Math.max(n - 1, 0), 30);
        long exp = baseNanos > (capNanos >> shift) ? capNanos : Math.min(capNanos, baseNanos << shift);
        long half = exp / 2;
        return Duration.ofNanos(half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0));
    }
}
