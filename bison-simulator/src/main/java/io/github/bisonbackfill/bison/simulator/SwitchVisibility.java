package io.github.bisonbackfill.bison.simulator;

/**
 * What {@code GET /api/users} reports while a workspace switch is still propagating (see
 * {@link BisonSimulator.Builder#switchLag(java.time.Duration)}).
 */
public enum SwitchVisibility {
    /**
     * {@code GET /api/users} and the data endpoints change together, once the lag has passed: a client
     * that polls {@code data.team} until it shows the target workspace is safe (unless someone else
     * switches again).
     */
    CONSISTENT,
    /**
     * Harsher: {@code GET /api/users} shows the newly requested workspace at once, while the data
     * endpoints keep serving the previous workspace until the lag has passed. Polling
     * {@code data.team} alone cannot prove the context; a client needs a settle delay or a data
     * tripwire as well.
     */
    USERS_FIRST
}
