package io.github.bisonbackfill.bison.simulator;

/** The kinds of {@link Fault} the simulator can inject. */
public enum FaultKind {
    /** An error status (e.g. 500, 502, 503, 504) with the body a Laravel app or its proxy sends. */
    STATUS,
    /** The connection is closed without any response. */
    DROP_CONNECTION,
    /** The normal response, sent only after a delay (longer than a client's timeout). */
    SLOW_RESPONSE,
    /** Status 200 with a JSON body cut in the middle (Content-Length matches the cut body). */
    TRUNCATED_JSON,
    /** The normal response with raw, unescaped control characters (U+0001...) inside JSON strings. */
    CONTROL_CHARACTERS,
    /** An HTML error page ({@code text/html}) instead of JSON. */
    HTML_ERROR_PAGE,
    /** A 429, with or without {@code Retry-After}, regardless of the configured rate limits. */
    RATE_LIMITED
}
