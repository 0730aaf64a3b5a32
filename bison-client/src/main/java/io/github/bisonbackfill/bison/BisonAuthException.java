package io.github.bisonbackfill.bison;

/**
 * Email Bison answered 401 or 403: the key is unknown, revoked, of another instance, or the record belongs to another workspace. Not retried.
 */
public class BisonAuthException extends BisonServiceException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message  what happened (must not contain secrets)
     * @param endpoint method and path of the request
     * @param status   the HTTP status
     * @param body     the response body, truncated and redacted
     * @param attempts attempts made
     */
    public BisonAuthException(String message, String endpoint, int status, String body, int attempts) {
        super(message, endpoint, status, body, attempts);
    }
}
