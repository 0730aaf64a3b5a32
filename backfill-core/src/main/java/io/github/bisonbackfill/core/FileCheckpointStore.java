package io.github.bisonbackfill.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.bisonbackfill.core.internal.CheckpointState;
import io.github.bisonbackfill.core.internal.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The default {@link CheckpointStore}: one JSON file (readable, diffable), rewritten whole on every
 * change. A write goes to a temporary file in the same directory, is forced to disk, then renamed
 * over the file with {@link java.nio.file.StandardCopyOption#ATOMIC_MOVE}, so a crash at any moment
 * leaves either the old or the new file, never a torn one. The file is the only state: every
 * operation reads it, so a corrupt or foreign file is reported at once as a
 * {@link CheckpointException} naming the file and what to do.
 *
 * <p>Thread-safe: operations on the same file are serialised by a lock shared by every instance of
 * this class in the JVM (keyed by the absolute path). Several <em>processes</em> must not share
 * one file.
 *
 * <pre>{@code
 * CheckpointStore store = FileCheckpointStore.open(Path.of("backfill-checkpoint.json"));
 * }</pre>
 */
public final class FileCheckpointStore implements CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileCheckpointStore.class);
    private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Object lock;

    private FileCheckpointStore(Path file) {
        this.file = file;
        this.lock = LOCKS.computeIfAbsent(file, p -> new Object());
    }

    /**
     * Opens (and validates, if it exists) a checkpoint file.
     *
     * @param file the file; created on the first write. Its directory must exist
     * @return the store
     * @throws CheckpointException if the file exists but cannot be read or is not a valid checkpoint
     */
    public static FileCheckpointStore open(Path file) {
        FileCheckpointStore store = new FileCheckpointStore(Objects.requireNonNull(file, "file").toAbsolutePath().normalize());
        store.read();
        return store;
    }

    /** @return the file this store writes */
    public Path file() {
        return file;
    }

    @Override
    public Optional<String> currentRunId() {
        return query(CheckpointState::runId);
    }

    @Override
    public void beginRun(String runId) {
        Objects.requireNonNull(runId, "runId");
        update(s -> s.beginRun(runId));
    }

    @Override
    public Optional<ClientCheckpoint> get(ClientKey client) {
        Objects.requireNonNull(client, "client");
        return query(s -> s.get(client));
    }

    @Override
    public List<ClientCheckpoint> all() {
        return query(CheckpointState::all);
    }

    @Override
    public void put(ClientCheckpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        update(s -> s.put(checkpoint));
    }

    private <R> R query(Function<CheckpointState, R> f) {
        synchronized (lock) {
            return f.apply(read());
        }
    }

    private void update(Consumer<CheckpointState> change) {
        synchronized (lock) {
            CheckpointState s = read();
            change.accept(s);
            write(s);
        }
    }

    private CheckpointState read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new CheckpointState();
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint file " + file + ": " + e + "; check its permissions", e);
        }
        try {
            return CheckpointState.fromDocument(Json.MAPPER.readValue(bytes, CheckpointState.Document.class));
        } catch (JsonProcessingException e) {
            throw corrupt(e.getOriginalMessage() + location(e), e);
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw corrupt(e.getMessage(), e);
        }
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    private CheckpointException corrupt(String why, Exception cause) {
        return new CheckpointException("checkpoint file " + file + " is corrupt or not a checkpoint: " + why
                + "; restore it, or delete it to start fresh (completed clients will then run again)", cause);
    }

    private void write(CheckpointState s) {
        Path dir = file.getParent();
        Path tmp = null;
        try {
            byte[] bytes = Json.MAPPER.writeValueAsBytes(s.toDocument());
            tmp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                LOG.warn("atomic rename not supported for {}; replacing non-atomically", file);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new CheckpointException("cannot write checkpoint file " + file + ": " + e
                    + "; check that its directory exists and is writable", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Best effort: a stray *.tmp file is harmless and never read.
                }
            }
        }
    }

    private static void syncDirectory(Path dir) {
        // Makes the rename itself durable on Linux; not supported everywhere (e.g. Windows), hence best effort.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("directory fsync of {} not supported: {}", dir, e.toString());
        }
    }

    @Override
    public String toString() {
        return "FileCheckpointStore[" + file + "]";
    }
}
