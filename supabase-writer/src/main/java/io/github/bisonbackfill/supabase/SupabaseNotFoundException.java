package io.github.bisonbackfill.supabase;

/**
 * 404: the table (or view) is unknown to PostgREST: wrong name, wrong schema, not exposed by the API,
 * or PostgREST's schema cache not reloaded after it was created. Never retried.
 */
public final class SupabaseNotFoundException extends SupabaseServiceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message  what was not found and what to check
     * @param error    the error as PostgREST reported it (on PostgREST 12 a POST answers {@code {}})
     * @param attempts attempts made
     */
    public SupabaseNotFoundException(String message, PostgrestError error, int attempts) {
        super(message, error, attempts);
    }
}
