package io.github.bisonbackfill.supabase;

/**
 * 401 or 403: the key was rejected (wrong project, expired, malformed: {@code PGRST301/302/303}) or its
 * role may not do this ({@code 42501}: missing grant or row-level security). Never retried. Use the
 * project's service-role / secret key, which bypasses row-level security.
 */
public final class SupabaseAuthException extends SupabaseServiceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message  what happened and what to check
     * @param error    the error as PostgREST reported it
     * @param attempts attempts made
     */
    public SupabaseAuthException(String message, PostgrestError error, int attempts) {
        super(message, error, attempts);
    }
}
