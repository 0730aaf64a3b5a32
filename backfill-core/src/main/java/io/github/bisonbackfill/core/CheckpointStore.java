package io.github.bisonbackfill.core;

import io.github.bisonbackfill.core.internal.InMemoryCheckpointStore;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Remembers per client how far a backfill got, so a crashed or interrupted run can resume and a
 * later catch-up can start from a high-water mark. Pluggable: implement it over a database, a
 * key-value store, etc.
 *
 * <p>Model: the store holds the current run id and one {@link ClientCheckpoint} per
 * {@link ClientKey}. To resume, a run reuses {@link #currentRunId()} and skips clients
 * {@link ClientCheckpoint#completedIn completed in} it; to start fresh, it calls
 * {@link #beginRun} with a new id: statuses of the old run then no longer count as completed, while
 * their high-water marks remain available.
 *
 * <p>Implementations must be thread-safe: clients run concurrently and record concurrently.
 */
public interface CheckpointStore {

    /**
     * @return the run id recorded by the last {@link #beginRun}, or empty if none
     * @throws CheckpointException if the store cannot be read
     */
    Optional<String> currentRunId();

    /**
     * Makes {@code runId} the current run. Client checkpoints are kept.
     *
     * @param runId the new run's id
     * @throws CheckpointException if the store cannot be written
     */
    void beginRun(String runId);

    /**
     * @param client a client
     * @return its checkpoint, or empty if it never ran
     * @throws CheckpointException if the store cannot be read
     */
    Optional<ClientCheckpoint> get(ClientKey client);

    /**
     * @return every client checkpoint, in the order clients were first recorded
     * @throws CheckpointException if the store cannot be read
     */
    List<ClientCheckpoint> all();

    /**
     * Records (replaces) the checkpoint of {@code checkpoint.client()}; durable when this returns.
     *
     * @param checkpoint the checkpoint
     * @throws CheckpointException if the store cannot be written
     */
    void put(ClientCheckpoint checkpoint);

    /**
     * A store that lives only as long as this object: resuming works within one process.
     *
     * @return a new, empty, thread-safe store
     */
    static CheckpointStore inMemory() {
        return new InMemoryCheckpointStore();
    }

    /**
     * The default durable store: one JSON file, written atomically (see {@link FileCheckpointStore}).
     *
     * @param file the file; created on the first write, its directory must exist
     * @return the store
     * @throws CheckpointException if the file exists but is unreadable or corrupt
     */
    static CheckpointStore file(Path file) {
        return FileCheckpointStore.open(file);
    }

    /**
     * A store in the Supabase project itself, for runners without a persistent disk: the table
     * {@code <leadsTable>_checkpoints} created by the schema script (see {@link SupabaseCheckpointStore}).
     *
     * @param writer     the writer of the leads table (not closed by the store)
     * @param leadsTable the leads table, e.g. {@value ClientLeadsSchema#TABLE}
     * @return the store
     * @throws CheckpointException if the checkpoint table is missing or unreadable
     */
    static CheckpointStore supabase(io.github.bisonbackfill.supabase.SupabaseWriter writer, String leadsTable) {
        return SupabaseCheckpointStore.open(writer, leadsTable);
    }
}
