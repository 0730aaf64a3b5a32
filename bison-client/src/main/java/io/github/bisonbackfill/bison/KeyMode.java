package io.github.bisonbackfill.bison;

/** How a {@link BisonClient} reaches one workspace. */
public enum KeyMode {
    /** The workspace's own {@code api-user} key, as configured: no switching, safe to read concurrently. */
    API_USER_KEY,
    /**
     * An {@code api-user} key from the client's {@link ApiKeyStore}, minted in an earlier run (or by
     * another process): read like {@link #API_USER_KEY}.
     */
    STORED_API_USER_KEY,
    /**
     * An {@code api-user} key this client minted for the workspace with the super-admin key (no
     * switching) and saved to its {@link ApiKeyStore} before using it: read like {@link #API_USER_KEY}.
     */
    MINTED_API_USER_KEY,
    /**
     * The super-admin key: the user's current workspace is switched under a session lock, verified,
     * and every page is fenced.
     */
    SUPER_ADMIN_SWITCHING;

    /** Whether the workspace is read with a key of its own (no switching, no session lock). */
    public boolean isApiUserKey() {
        return this != SUPER_ADMIN_SWITCHING;
    }
}
