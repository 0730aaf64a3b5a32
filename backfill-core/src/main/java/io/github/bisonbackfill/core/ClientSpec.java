package io.github.bisonbackfill.core;

import java.util.Objects;

/**
 * One client of a {@link BackfillPlan}: an Email Bison workspace on a named instance, and the name
 * its leads are filed under.
 *
 * @param name        the client's name, written as {@code workspace_name} (the second column of the
 *                    table's conflict key): keep it stable across runs. Unique within a plan
 * @param instance    the instance name: the {@code instanceName} of a client registered with
 *                    {@link BackfillOrchestrator.Builder#instance(io.github.bisonbackfill.bison.BisonClient)}
 * @param workspaceId the workspace id within that instance
 */
public record ClientSpec(String name, String instance, long workspaceId) {
    /**
     * @throws NullPointerException     if {@code name} or {@code instance} is {@code null}
     * @throws IllegalArgumentException if {@code name} is blank or has leading/trailing whitespace,
     *                                  {@code instance} is blank, or {@code workspaceId} is not positive
     */
    public ClientSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(instance, "instance");
        if (name.isBlank()) {
            throw new IllegalArgumentException("client name must not be blank (instance " + instance + ", workspace "
                    + workspaceId + ")");
        }
        if (!name.strip().equals(name)) {
            // The name is a key column: " Acme" and "Acme" would be two clients in the table.
            throw new IllegalArgumentException("client name '" + name + "' has leading or trailing whitespace;"
                    + " it is written as workspace_name, so remove it");
        }
        if (instance.isBlank()) {
            throw new IllegalArgumentException("instance of client '" + name + "' must not be blank");
        }
        if (workspaceId <= 0) {
            throw new IllegalArgumentException("workspace id of client '" + name + "' must be positive, got "
                    + workspaceId);
        }
    }

    /** The key this client has in checkpoints, events and reports. */
    public ClientKey key() {
        return new ClientKey(instance, workspaceId, name);
    }
}
