package io.github.bisonbackfill.bison.simulator;

/**
 * The Email Bison endpoints the simulator serves, used to match requests for faults and triggers and
 * to classify entries of the request log.
 */
public enum Endpoint {
    /** {@code GET /api/users}: the key's user and its current workspace ({@code data.team}). */
    USERS,
    /** {@code GET /api/workspaces/v1.1}: every workspace of the instance (not paginated). */
    WORKSPACES,
    /** {@code POST /api/workspaces/v1.1/switch-workspace}: switches the user's current workspace. */
    SWITCH_WORKSPACE,
    /** {@code POST /api/workspaces/v1.1/{id}/api-tokens}: mints an api-user key for one workspace. */
    MINT_API_TOKEN,
    /** {@code GET /api/workspaces/v1.1/stats}: campaign statistics of the current workspace. */
    STATS,
    /** {@code GET /api/replies}: replies of the current workspace, 15 a page. */
    REPLIES,
    /** {@code GET /api/leads/{id or email}}: one lead. */
    LEAD,
    /** Any other path (answered with 404) or a wrong method (405). */
    OTHER
}
