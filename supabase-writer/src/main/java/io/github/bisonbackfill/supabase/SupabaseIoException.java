package io.github.bisonbackfill.supabase;

import org.jspecify.annotations.Nullable;

/**
 * No usable response: connection failure, timeout, or a body that could not be parsed, after the
 * retries the writer was allowed. A batch that failed this way may or may not have been written;
 * upserts are idempotent, so re-running the call is safe.
 */
public class SupabaseIoException extends SupabaseException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what happened, to what, and what to do
     * @param cause   the underlying cause, or {@code null}
     */
    public SupabaseIoException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
