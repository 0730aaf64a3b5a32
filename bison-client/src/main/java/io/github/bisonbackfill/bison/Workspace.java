package io.github.bisonbackfill.bison;

import java.util.Objects;

/**
 * An Email Bison workspace (a "team" in Email Bison's own API), identified by its id within one
 * instance.
 *
 * @param id   the workspace id, unique within its instance only
 * @param name the workspace name as Email Bison reports it (may contain commas, accents, quotes)
 */
public record Workspace(long id, String name) {
    public Workspace {
        Objects.requireNonNull(name, "name");
    }
}
