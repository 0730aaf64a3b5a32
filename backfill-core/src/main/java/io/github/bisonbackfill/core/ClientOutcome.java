package io.github.bisonbackfill.core;

/** How one client of a backfill ended. */
public enum ClientOutcome {
    /** Scanned fully and every unique lead acknowledged by Supabase. */
    COMPLETED,
    /**
     * Scanned fully and every unique lead either acknowledged or rejected with a reason (by the
     * dedup or by Supabase): nothing unaccounted for, but not everything written.
     */
    COMPLETED_WITH_REJECTS,
    /** Stopped by an error; see {@link ClientReport#error()}. A resumed run retries it. */
    FAILED,
    /** Completed earlier in the resumed run (per the {@link CheckpointStore}); not run again. */
    SKIPPED_ALREADY_DONE,
    /** Scanned and deduplicated, but nothing mapped or written (dry run). */
    DRY_RUN,
    /** Not reached: the run was stopped or cancelled before this client. */
    NOT_RUN
}
