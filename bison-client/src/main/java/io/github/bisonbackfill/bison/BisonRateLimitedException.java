package io.github.bisonbackfill.bison;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.Optional;

/**
 * Email Bison kept answering 429 until the retries were used up, or asked for a wait
 * ({@code Retry-After}) longer than the rest of the call's time budget.
 */
public class BisonRateLimitedException extends BisonServiceException {
    private static final long serialVersionUID = 1L;

    private final @Nullable Duration retryAfter;

    /**
     * Creates an exception.
     *
     * @param message    what happened (must not contain secrets)
     * @param endpoint   method and path of the request
     * @param body       the response body, truncated and redacted
     * @param attempts   attempts made
     * @param retryAfter the server's last {@code Retry-After}, or {@code null} if it sent none
     */
    public BisonRateLimitedException(String message, String endpoint, String body, int attempts, @Nullable Duration retryAfter) {
        super(message, endpoint, 429, body, attempts);
        this.retryAfter = retryAfter;
    }

    /** Returns how long the server asked to wait on its last answer, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
