package io.github.bisonbackfill.bison.simulator;

import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the request log. It never holds a key's secret, only its id.
 *
 * @param instance    the instance name
 * @param method      the HTTP method
 * @param path        the decoded path
 * @param query       the raw query string, {@code ""} when absent
 * @param endpoint    the endpoint the path maps to
 * @param keyId       the id part of the bearer key if it was valid, else {@code null}
 * @param superAdmin  whether the key was a super-admin key
 * @param workspaceId the workspace the request was served from at serve time (the api-user key's
 *                    workspace, or the super-admin user's current workspace for data endpoints),
 *                    {@code null} when unauthenticated
 * @param status      the status sent, or {@code 0} when the connection was dropped without response
 * @param fault       the injected fault's description, or {@code null}
 * @param timestamp   when the response was sent (simulator clock)
 */
public record RecordedRequest(String instance, String method, String path, String query, Endpoint endpoint,
                              @Nullable Long keyId, boolean superAdmin, @Nullable Long workspaceId, int status,
                              @Nullable String fault,
                              Instant timestamp) {
    /**
     * Validates the entry.
     *
     * @param instance see the record component
     * @param method see the record component
     * @param path see the record component
     * @param query see the record component
     * @param endpoint see the record component
     * @param keyId see the record component
     * @param superAdmin see the record component
     * @param workspaceId see the record component
     * @param status see the record component
     * @param fault see the record component
     * @param timestamp see the record component
     * @throws NullPointerException if a required component is {@code null}
     */
    public RecordedRequest {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(timestamp, "timestamp");
        query = query == null ? "" : query;
    }
}
