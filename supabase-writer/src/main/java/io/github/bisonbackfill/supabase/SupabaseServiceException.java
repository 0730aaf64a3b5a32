package io.github.bisonbackfill.supabase;

/**
 * PostgREST (or a gateway in front of it) answered with an error that the writer could neither
 * retry away nor report as a rejected row: a bad request (unknown column, no unique constraint
 * matching {@code on_conflict}), a server error, or retries exhausted.
 *
 * <p>Subclasses: {@link SupabaseAuthException} (401/403), {@link SupabaseNotFoundException} (404).
 */
public class SupabaseServiceException extends SupabaseException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient PostgrestError error;
    private final int attempts;

    /**
     * Creates an exception.
     *
     * @param message  what happened, to what, and what to do
     * @param error    the error as PostgREST reported it (never {@code null}; fields may be)
     * @param attempts how many attempts were made for the failing request
     */
    public SupabaseServiceException(String message, PostgrestError error, int attempts) {
        super(message, null);
        this.error = error;
        this.status = error.status();
        this.attempts = attempts;
    }

    /** The HTTP status of the last answer. */
    public int status() {
        return status;
    }

    /** The error body PostgREST sent ({@code code}, {@code message}, {@code details}, {@code hint}). */
    public PostgrestError error() {
        return error;
    }

    /** Attempts made for the failing request (1 when it was not retried). */
    public int attempts() {
        return attempts;
    }
}
