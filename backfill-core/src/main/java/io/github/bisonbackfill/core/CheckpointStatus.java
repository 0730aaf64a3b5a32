package io.github.bisonbackfill.core;

/** Where a client stands within a run, as recorded in a {@link CheckpointStore}. */
public enum CheckpointStatus {
    /** Started, not finished (a crash leaves this behind). */
    IN_PROGRESS,
    /** Every row written or explicitly rejected. */
    COMPLETED,
    /** Failed; a resumed run retries it. */
    FAILED
}
