package io.github.bisonbackfill.bison.simulator;

import java.util.Objects;

/**
 * The super-admin user of a simulated instance, as {@code GET /api/users} reports it.
 *
 * @param id    the user id (the same default on every instance: ids collide across instances)
 * @param name  the display name
 * @param email the login email
 */
public record SimulatedUser(long id, String name, String email) {
    /**
     * Validates the user.
     *
     * @param id see the record component
     * @param name see the record component
     * @param email see the record component
     * @throws NullPointerException if a required component is {@code null}
     */
    public SimulatedUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
    }
}
