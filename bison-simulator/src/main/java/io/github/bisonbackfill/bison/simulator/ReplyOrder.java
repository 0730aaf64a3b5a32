package io.github.bisonbackfill.bison.simulator;

/**
 * The order in which the simulator serves {@code GET /api/replies} (set per workspace or instance
 * with {@link SimulatedInstance#replyOrder(long, ReplyOrder)}). Email Bison's order is
 * undocumented; it is assumed to be newest first, and a client must not rely on it: these
 * alternatives let a test prove that a client which exploits the order (a catch-up scan) notices
 * when it does not hold.
 */
public enum ReplyOrder {
    /** Newest first (ids descending): the default, and what Email Bison appears to do. */
    NEWEST_FIRST,
    /** Oldest first (ids ascending). */
    OLDEST_FIRST,
    /**
     * A fixed pseudo-random order derived from the simulator's seed and each reply id: stable from
     * one request to the next (so a full scan still sees every reply exactly once), but not sorted.
     */
    SHUFFLED
}
