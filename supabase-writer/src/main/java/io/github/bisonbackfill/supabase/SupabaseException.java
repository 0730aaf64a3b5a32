package io.github.bisonbackfill.supabase;

import org.jspecify.annotations.Nullable;

/**
 * Root of every exception thrown by supabase-writer. Unchecked. Messages never contain the API key.
 *
 * <p>Subclasses: {@link SupabaseIoException} (no usable response: I/O error, timeout, malformed
 * body) and {@link SupabaseServiceException} (PostgREST or a gateway answered with an error).
 */
public class SupabaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what happened, to what, and what to do
     * @param cause   the underlying cause, or {@code null}
     */
    public SupabaseException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
