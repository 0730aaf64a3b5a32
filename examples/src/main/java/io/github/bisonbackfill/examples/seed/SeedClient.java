package io.github.bisonbackfill.examples.seed;

import java.util.Objects;

/**
 * One client of the seed's configuration: the Email Bison workspace to switch to and the name its
 * rows are written under ({@code workspace_name}).
 *
 * <p>The seed attributes every row it reads after switching to {@code workspaceId} to this client,
 * whatever workspace actually served the page: that is how the race puts leads under the wrong client.
 *
 * @param workspaceId the workspace id sent as {@code team_id} in the switch
 * @param name        the client name written to {@code workspace_name}
 */
public record SeedClient(long workspaceId, String name) {
    /**
     * @throws NullPointerException     if {@code name} is {@code null}
     * @throws IllegalArgumentException if {@code name} is blank or {@code workspaceId} is not positive
     */
    public SeedClient {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("client name must not be blank (workspace " + workspaceId + ")");
        }
        if (workspaceId <= 0) {
            throw new IllegalArgumentException("workspace id must be positive, got " + workspaceId + " for " + name);
        }
    }
}
