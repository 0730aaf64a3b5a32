package io.github.bisonbackfill.bison.internal;

import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * One request the client makes, described without secrets for messages and logs.
 *
 * @param method      {@code GET} or {@code POST}
 * @param pathAndQuery path below the base URL, starting with {@code /api}, query included and encoded
 * @param workspaceId the workspace it is made for, or {@code null}
 * @param page        the replies page, or {@code null}
 */
public record Endpoint(String method, String pathAndQuery, @Nullable Long workspaceId, @Nullable Integer page) {
    public Endpoint {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
    }

    /** Returns e.g. {@code GET /api/replies?status=interested&folder=all&page=3}. */
    public String describe() {
        return method + " " + pathAndQuery;
    }

    /** Returns e.g. {@code GET /api/replies?page=3 (workspace 37)}. */
    public String describeWithWorkspace() {
        return workspaceId == null ? describe() : describe() + " (workspace " + workspaceId + ")";
    }
}
