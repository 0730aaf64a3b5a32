package io.github.bisonbackfill.core;

import java.util.Objects;

/**
 * Identifies one client of a backfill: an Email Bison workspace on one instance, with the name the
 * run knows it by. Used as the key of checkpoints, progress events and reports.
 *
 * @param instance    the instance name
 * @param workspaceId the workspace id within that instance
 * @param clientName  the client's name (usually the workspace name)
 */
public record ClientKey(String instance, long workspaceId, String clientName) {
    /** @throws NullPointerException if {@code instance} or {@code clientName} is {@code null} */
    public ClientKey {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(clientName, "clientName");
    }

    /** {@code instance/workspaceId (clientName)}, for messages and console lines. */
    @Override
    public String toString() {
        return instance + "/" + workspaceId + " (" + clientName + ")";
    }
}
