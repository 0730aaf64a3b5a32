package io.github.bisonbackfill.bison;

/**
 * Email Bison answered 404: the record or workspace does not exist (in the current context). Not retried.
 */
public class BisonNotFoundException extends BisonServiceException {
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
    public BisonNotFoundException(String message, String endpoint, int status, String body, int attempts) {
        super(message, endpoint, status, body, attempts);
    }
}
