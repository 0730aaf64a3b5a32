package io.github.bisonbackfill.core.internal;

import io.github.bisonbackfill.core.ClientCheckpoint;
import io.github.bisonbackfill.core.ClientKey;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The content of a checkpoint store: the current run id and one checkpoint per client, in order of
 * first record. Also the on-disk JSON document ({@link Document}). Not thread-safe.
 */
public final class CheckpointState {
    /** The {@code format} field of a checkpoint file. */
    public static final String FORMAT = "bison-backfill-checkpoint";
    /** The current {@code version} of a checkpoint file. */
    public static final int VERSION = 1;

    private @Nullable String runId;
    private final Map<ClientKey, ClientCheckpoint> clients = new LinkedHashMap<>();

    /** The JSON shape of a checkpoint file. */
    public record Document(@Nullable String format, int version, @Nullable String runId,
                           @Nullable List<@Nullable ClientCheckpoint> clients) {
    }

    /** @return the current run id, if any */
    public Optional<String> runId() {
        return Optional.ofNullable(runId);
    }

    /** Sets the current run id. */
    public void beginRun(String id) {
        this.runId = id;
    }

    /** @return the client's checkpoint, if any */
    public Optional<ClientCheckpoint> get(ClientKey key) {
        return Optional.ofNullable(clients.get(key));
    }

    /** @return all checkpoints in order of first record */
    public List<ClientCheckpoint> all() {
        return List.copyOf(clients.values());
    }

    /** Records or replaces a checkpoint. */
    public void put(ClientCheckpoint c) {
        clients.put(c.client(), c);
    }

    /** @return this state as the file document */
    public Document toDocument() {
        return new Document(FORMAT, VERSION, runId, new ArrayList<>(clients.values()));
    }

    /**
     * @param d a parsed document
     * @return its state
     * @throws IllegalArgumentException if it is not a checkpoint document of a supported version
     */
    public static CheckpointState fromDocument(@Nullable Document d) {
        if (d == null || !FORMAT.equals(d.format())) {
            throw new IllegalArgumentException("not a bison-backfill checkpoint (format is "
                    + (d == null ? "missing" : Text.quote(d.format(), 60)) + ")");
        }
        if (d.version() != VERSION) {
            throw new IllegalArgumentException("unsupported checkpoint version " + d.version() + " (this library reads "
                    + VERSION + ")");
        }
        CheckpointState s = new CheckpointState();
        s.runId = d.runId();
        if (d.clients() != null) {
            for (ClientCheckpoint c : d.clients()) {
                if (c == null) {
                    throw new IllegalArgumentException("a client entry is null");
                }
                s.put(c);
            }
        }
        return s;
    }
}
