package io.github.bisonbackfill.bison;

import org.jspecify.annotations.Nullable;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The server answered with a 2xx status but the body could not be understood: not JSON, or JSON
 * without the fields the client needs (for example a replies page without {@code meta.last_page}).
 * Carries the endpoint, the page and workspace when known, and a short excerpt of the body with any
 * key-like text redacted.
 */
public class BisonMalformedResponseException extends BisonException {
    private static final long serialVersionUID = 1L;

    private final String endpoint;
    private final @Nullable Integer page;
    private final @Nullable Long workspaceId;
    private final String excerpt;

    /**
     * Creates an exception.
     *
     * @param message     what was wrong (must not contain secrets)
     * @param endpoint    method and path, e.g. {@code GET /api/replies?page=3}
     * @param page        the page number, or {@code null}
     * @param workspaceId the workspace, or {@code null}
     * @param excerpt     a short, redacted excerpt of the body
     * @param cause       the parser's exception, or {@code null}
     */
    public BisonMalformedResponseException(String message, String endpoint, @Nullable Integer page,
                                           @Nullable Long workspaceId, String excerpt, @Nullable Throwable cause) {
        super(message, cause);
        this.endpoint = endpoint;
        this.page = page;
        this.workspaceId = workspaceId;
        this.excerpt = excerpt;
    }

    /** Returns the method and path of the request, e.g. {@code GET /api/replies?page=3}. */
    public String endpoint() {
        return endpoint;
    }

    /** Returns the page number of a replies page, if the response was one. */
    public OptionalInt page() {
        return page == null ? OptionalInt.empty() : OptionalInt.of(page);
    }

    /** Returns the workspace the request was made for, if any. */
    public OptionalLong workspaceId() {
        return workspaceId == null ? OptionalLong.empty() : OptionalLong.of(workspaceId);
    }

    /** Returns a short excerpt of the body (at most a few hundred characters, key-like text redacted). */
    public String excerpt() {
        return excerpt;
    }
}
