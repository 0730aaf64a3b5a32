package io.github.bisonbackfill.core.internal;

import io.github.bisonbackfill.core.CheckpointStore;
import io.github.bisonbackfill.core.ClientCheckpoint;
import io.github.bisonbackfill.core.ClientKey;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** {@link CheckpointStore#inMemory()}: a synchronised {@link CheckpointState}. Thread-safe. */
public final class InMemoryCheckpointStore implements CheckpointStore {
    private final CheckpointState state = new CheckpointState();

    @Override
    public synchronized Optional<String> currentRunId() {
        return state.runId();
    }

    @Override
    public synchronized void beginRun(String runId) {
        state.beginRun(Objects.requireNonNull(runId, "runId"));
    }

    @Override
    public synchronized Optional<ClientCheckpoint> get(ClientKey client) {
        return state.get(client);
    }

    @Override
    public synchronized List<ClientCheckpoint> all() {
        return state.all();
    }

    @Override
    public synchronized void put(ClientCheckpoint checkpoint) {
        state.put(Objects.requireNonNull(checkpoint, "checkpoint"));
    }
}
