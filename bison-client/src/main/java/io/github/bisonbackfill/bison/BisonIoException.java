package io.github.bisonbackfill.bison;

import org.jspecify.annotations.Nullable;

/**
 * No response could be obtained: a connection error, a dropped connection, an attempt or call
 * timeout, or a client-side limit (rate limit, concurrency) that could not grant a permit in time.
 * Thrown after the retries allowed by the client's configuration were used up.
 */
public class BisonIoException extends BisonException {
    private static final long serialVersionUID = 1L;

    private final int attempts;

    /**
     * Creates an exception.
     *
     * @param message  what happened (must not contain secrets)
     * @param attempts attempts made (0 when none could be started)
     * @param cause    the underlying cause, or {@code null}
     */
    public BisonIoException(String message, int attempts, @Nullable Throwable cause) {
        super(message, cause);
        this.attempts = attempts;
    }

    /** Returns how many attempts were made before giving up. */
    public int attempts() {
        return attempts;
    }
}
