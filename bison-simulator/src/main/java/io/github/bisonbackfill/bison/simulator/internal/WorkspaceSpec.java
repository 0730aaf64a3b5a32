package io.github.bisonbackfill.bison.simulator.internal;

/**
 * A workspace to create at start.
 *
 * @param id         the workspace id
 * @param name       the workspace name
 * @param interested how many interested replies to generate
 * @param other      how many other (not interested, some automated) replies to generate
 */
public record WorkspaceSpec(long id, String name, int interested, int other) {
}
