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
     * @throws NullPointerException if {@code name} or {@code email} is {@code null}
     */
    public SimulatedUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
    }
}
