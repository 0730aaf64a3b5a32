package io.github.bisonbackfill.bison.simulator;

import org.jspecify.annotations.Nullable;

import java.util.Map;
import java.util.Objects;

/**
 * What the simulator knows about a request when it decides whether a fault or trigger applies.
 *
 * @param instance    the instance name
 * @param method      the HTTP method
 * @param path        the decoded path, e.g. {@code /api/replies}
 * @param endpoint    the endpoint the path maps to
 * @param query       the decoded query parameters (last value wins); never {@code null}
 * @param keyId       the id part of the bearer key, {@code null} if unauthenticated
 * @param workspaceId the workspace the request is served from (the key's workspace for an api-user
 *                    key, the user's current workspace for a super-admin key), {@code null} if
 *                    unauthenticated
 */
public record RequestInfo(String instance, String method, String path, Endpoint endpoint,
                          Map<String, String> query, @Nullable Long keyId,
                          @Nullable Long workspaceId) {
    /**
     * Validates and copies the request summary.
     *
     * @param instance see the record component
     * @param method see the record component
     * @param path see the record component
     * @param endpoint see the record component
     * @param query see the record component
     * @param keyId see the record component
     * @param workspaceId see the record component
     * @throws NullPointerException if a required component is {@code null}
     */
    public RequestInfo {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(endpoint, "endpoint");
        query = query == null ? Map.of() : Map.copyOf(query);
    }

    /**
     * The {@code page} query parameter as Laravel reads it.
     *
     * @return the page asked for, 1 when absent, not a number or below 1
     */
    public int page() {
        String p = query.get("page");
        if (p == null) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(p.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
