package io.github.bisonbackfill.bison;

/**
 * Email Bison answered with an error status that the client does not retry, or kept answering with
 * a retryable one until the retries were used up. Subclasses mark the statuses a caller handles
 * differently.
 */
public class BisonServiceException extends BisonException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String body;
    private final int attempts;
    private final String endpoint;

    /**
     * Creates an exception.
     *
     * @param message  what happened (must not contain secrets)
     * @param endpoint method and path of the request
     * @param status   the HTTP status
     * @param body     the response body, truncated and with key-like text redacted
     * @param attempts attempts made
     */
    public BisonServiceException(String message, String endpoint, int status, String body, int attempts) {
        super(message);
        this.endpoint = endpoint;
        this.status = status;
        this.body = body;
        this.attempts = attempts;
    }

    /** Returns the HTTP status of the last attempt. */
    public int status() {
        return status;
    }

    /** Returns the body of the last response, truncated, with key-like text redacted. */
    public String body() {
        return body;
    }

    /** Returns how many attempts were made. */
    public int attempts() {
        return attempts;
    }

    /** Returns the method and path of the request, e.g. {@code GET /api/leads/42}. */
    public String endpoint() {
        return endpoint;
    }
}
