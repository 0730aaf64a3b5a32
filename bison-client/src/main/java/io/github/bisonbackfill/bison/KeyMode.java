package io.github.bisonbackfill.bison;

/** How a {@link BisonClient} reaches one workspace. */
public enum KeyMode {
    /** The workspace's own {@code api-user} key: no switching, safe to read concurrently. */
    API_USER_KEY,
    /**
     * The super-admin key: the user's current workspace is switched under a session lock, verified,
     * and every page is fenced.
     */
    SUPER_ADMIN_SWITCHING
}
