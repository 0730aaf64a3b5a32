package io.github.bisonbackfill.bison.simulator.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A token bucket: {@code capacity} tokens, refilled continuously at {@code ratePerSecond}. Thread-safe.
 */
public final class TokenBucket {
    private final double ratePerNano;
    private final double capacity;
    private final InstantSource clock;
    private double tokens;
    private Instant last;

    /**
     * Creates a full bucket.
     *
     * @param ratePerSecond sustained rate, positive
     * @param capacity      burst capacity, at least 1
     * @param clock         the clock
     */
    public TokenBucket(double ratePerSecond, int capacity, InstantSource clock) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.capacity = Math.max(1, capacity);
        this.clock = clock;
        this.tokens = this.capacity;
        this.last = clock.instant();
    }

    private void refill() {
        Instant now = clock.instant();
        long nanos = Duration.between(last, now).toNanos();
        if (nanos > 0) {
            tokens = Math.min(capacity, tokens + nanos * ratePerNano);
            last = now;
        }
    }

    /**
     * How long until one token is available, without taking it.
     *
     * @return zero when a token is available now
     */
    public synchronized Duration waitTime() {
        refill();
        if (tokens >= 1) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil((1 - tokens) / ratePerNano));
    }

    /** Takes one token; call only after {@link #waitTime()} returned zero under the same outer lock. */
    public synchronized void take() {
        refill();
        tokens -= 1;
    }

    /**
     * Tokens available now, rounded down.
     *
     * @return the remaining tokens
     */
    public synchronized int remaining() {
        refill();
        return (int) Math.floor(Math.max(0, tokens));
    }
}
