package io.github.bisonbackfill.bison.simulator;

/**
 * How a 429 response announces when to retry. The real Email Bison may or may not send
 * {@code Retry-After}; a client must cope with every one.
 */
public enum RetryAfterMode {
    /** {@code Retry-After: <seconds>} (delta-seconds, rounded up, at least 1). */
    SECONDS,
    /** {@code Retry-After: <IMF-fixdate>} (an HTTP-date, e.g. {@code Wed, 21 Oct 2015 07:28:00 GMT}). */
    HTTP_DATE,
    /** No {@code Retry-After} header at all. */
    NONE,
    /**
     * Each 429 chooses {@link #SECONDS} or {@link #NONE} with equal probability, drawn from a stream
     * seeded from the simulator seed (per instance): half the 429s say {@code Retry-After: <seconds>},
     * half say nothing, as production Email Bison instances were seen to.
     */
    MIXED
}
