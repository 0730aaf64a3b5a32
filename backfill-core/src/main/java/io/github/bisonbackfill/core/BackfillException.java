package io.github.bisonbackfill.core;

/**
 * The root of backfill-core's own unchecked exceptions. Errors of the Email Bison client and the
 * Supabase writer keep their own types ({@code BisonException}, {@code SupabaseException}).
 */
public class BackfillException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened, to what, and what to do
     */
    public BackfillException(String message) {
        super(message);
    }

    /**
     * @param message what happened, to what, and what to do
     * @param cause   the underlying error
     */
    public BackfillException(String message, Throwable cause) {
        super(message, cause);
    }
}
