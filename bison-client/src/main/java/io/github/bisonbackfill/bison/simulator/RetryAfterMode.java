package io.github.bisonbackfill.bison.simulator;

/**
 * How a 429 response announces when to retry. The real Email Bison may or may not send
 * {@code Retry-After}; a client must cope with all three.
 */
public enum RetryAfterMode {
    /** {@code Retry-After: <seconds>} (delta-seconds, rounded up, at least 1). */
    SECONDS,
    /** {@code Retry-After: <IMF-fixdate>} (an HTTP-date, e.g. {@code Wed, 21 Oct 2015 07:28:00 GMT}). */
    HTTP_DATE,
    /** No {@code Retry-After} header at all. */
    NONE
}
