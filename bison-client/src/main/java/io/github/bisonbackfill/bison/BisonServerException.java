package io.github.bisonbackfill.bison;

/**
 * Email Bison answered 5xx: the server failed. 502, 503 and 504 are retried before this is thrown; 500 is not.
 */
public class BisonServerException extends BisonServiceException {
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
    public BisonServerException(String message, String endpoint, int status, String body, int attempts) {
        super(message, endpoint, status, body, attempts);
    }
}
