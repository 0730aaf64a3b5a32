package io.github.bisonbackfill.core;

import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link CheckpointStore} remembers about one client.
 *
 * @param client           the client
 * @param runId            the run that recorded it
 * @param status           its status in that run
 * @param rowsWritten      rows acknowledged by Supabase in that run
 * @param updatedAt        when it was recorded
 * @param highWaterReplyId where a later catch-up ({@link RunOptions.Builder#sinceLast(boolean)})
 *                         starts: the highest reply id read by the scans of this client that
 *                         completed ({@code max} of the previous mark and
 *                         {@link io.github.bisonbackfill.bison.ScanResult#highestReplyId()});
 *                         {@code null} when the client never completed. The orchestrator sets it
 *                         only from a completed client, and carries it over from earlier runs
 */
public record ClientCheckpoint(ClientKey client, String runId, CheckpointStatus status, long rowsWritten,
                               Instant updatedAt, @Nullable Long highWaterReplyId) {
    /** @throws NullPointerException if a reference other than {@code highWaterReplyId} is {@code null} */
    public ClientCheckpoint {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /**
     * @param run a run id
     * @return whether this client completed in that run (a resumed run skips it)
     */
    public boolean completedIn(String run) {
        return status == CheckpointStatus.COMPLETED && runId.equals(run);
    }
}
