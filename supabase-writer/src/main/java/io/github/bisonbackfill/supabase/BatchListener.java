package io.github.bisonbackfill.supabase;

/**
 * Receives a {@link BatchProgress} after each batch of a call finishes. Calls for one writer call are
 * never concurrent (they come from the writer's worker threads, one at a time). Keep it quick; an
 * exception thrown here fails the call.
 */
@FunctionalInterface
public interface BatchListener {

    /**
     * Called after a batch finished.
     *
     * @param progress the batch's outcome and the call's progress
     */
    void onBatch(BatchProgress progress);

    /** A listener that does nothing (the default). */
    static BatchListener none() {
        return progress -> { };
    }
}
