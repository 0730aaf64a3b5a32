package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.ApiKeyStoreException;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * {@link io.github.bisonbackfill.bison.ApiKeyStore#file(Path)}: keys in a JSON file (format in
 * {@link KeyStoreJson}), shared by threads and processes. Reads need no lock (the file is only ever
 * replaced by an atomic move, so it is always whole); updates hold an in-JVM lock per file, then an
 * OS lock on {@code <file>.lock}, and re-read the file before changing it.
 */
public final class FileApiKeyStore extends AbstractApiKeyStore {
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    // One lock per file for the whole JVM: an OS file lock is held per process, so two stores (or
    // threads) of one JVM on the same file must exclude each other here first, or the second
    // FileChannel.lock() would throw OverlappingFileLockException. Entries are never removed (one
    // small lock per file ever used; removing would race with a waiter that already looked it up).
    private static final ConcurrentMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Path lockFile;
    private final boolean posix;
    // For toString() only: the number of keys last read or written, -1 before the first read.
    private volatile int knownKeys = -1;

    /**
     * Creates the store; nothing is read or created yet.
     *
     * @param file the key store file
     */
    public FileApiKeyStore(Path file) {
        this(file, Clock.systemUTC());
    }

    /**
     * Creates the store with a clock for {@code createdAt}.
     *
     * @param file  the key store file
     * @param clock the clock
     */
    public FileApiKeyStore(Path file, Clock clock) {
        super(clock);
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        if (this.file.getFileName() == null) {
            throw new IllegalArgumentException("key store file " + file + " names no file");
        }
        this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
        this.posix = this.file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Returns the key store file (absolute). */
    public Path file() {
        return file;
    }

    /** Returns the sidecar lock file, {@code <file>.lock}. */
    public Path lockFile() {
        return lockFile;
    }

    @Override
    Map<StoredApiKey.Slot, StoredApiKey> read() {
        if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
            knownKeys = 0;
            return Map.of();
        }
        refuseIfUnsafe(file);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            // Deleted between the check and the read (by a person): as if it had never existed.
            knownKeys = 0;
            return Map.of();
        } catch (IOException e) {
            throw ioFailure("cannot read key store " + file, e);
        }
        Map<StoredApiKey.Slot, StoredApiKey> keys = KeyStoreJson.parse(content, file);
        knownKeys = keys.size();
        return keys;
    }

    @Override
    void write(Map<StoredApiKey.Slot, StoredApiKey> keys) {
        byte[] content = KeyStoreJson.write(keys.values());
        Path directory = file.getParent();
        Path temp = null;
        try {
            temp = posix
                    ? Files.createTempFile(directory, "." + file.getFileName() + ".", ".tmp", OWNER_FILE)
                    : Files.createTempFile(directory, "." + file.getFileName() + ".", ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            knownKeys = keys.size();
        } catch (AtomicMoveNotSupportedException e) {
            throw ioFailure("cannot update key store " + file + ": its file system cannot replace a file"
                    + " atomically; put it on a local disk", e);
        } catch (IOException e) {
            throw ioFailure("cannot update key store " + file, e);
        } finally {
            deleteQuietly(temp);
        }
        syncDirectory(directory);
    }

    @Override
    <T> T exclusive(Supplier<T> action) {
        createDirectory();
        ReentrantLock jvmLock = LOCKS.computeIfAbsent(lockKey(), k -> new ReentrantLock(true));
        enter(jvmLock, this);
        FileChannel channel = null;
        try {
            try {
                channel = openLockFile();
                lockInterruptibly(channel);
            } catch (IOException e) {
                throw ioFailure("cannot lock key store " + file + " through " + lockFile, e);
            }
            return action.get();
        } finally {
            // Closing the channel releases the OS lock; a failure to close must not hide the outcome
            // of the action (a key may have been minted and saved).
            closeQuietly(channel);
            jvmLock.unlock();
        }
    }

    @Override
    Path fileForMessages() {
        return file;
    }

    private void lockInterruptibly(FileChannel channel) throws IOException {
        try {
            channel.lock();
        } catch (FileLockInterruptionException | ClosedByInterruptException e) {
            Thread.currentThread().interrupt();
            throw new ApiKeyStoreException("interrupted while waiting for the lock of key store " + file, file, e);
        }
    }

    private FileChannel openLockFile() throws IOException {
        if (Files.isSymbolicLink(lockFile)) {
            throw symlink(lockFile);
        }
        FileChannel channel = posix
                ? FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), OWNER_FILE)
                : FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            // Checked after opening: the attribute above applies only when this call created the file.
            refuseIfUnsafe(lockFile);
            return channel;
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private void createDirectory() {
        Path directory = file.getParent();
        if (Files.isDirectory(directory)) {
            return;
        }
        try {
            if (posix) {
                Files.createDirectories(directory, OWNER_DIRECTORY);
            } else {
                Files.createDirectories(directory);
            }
        } catch (IOException e) {
            throw ioFailure("cannot create the directory of key store " + file, e);
        }
    }

    /** The JVM lock's registry key: one per real file, however the path was spelled. */
    private Path lockKey() {
        try {
            return file.getParent().toRealPath().resolve(file.getFileName());
        } catch (IOException e) {
            return file;
        }
    }

    private void refuseIfUnsafe(Path path) {
        String name = path.equals(file) ? "key store " + file : "lock file " + path + " of key store " + file;
        if (Files.isSymbolicLink(path)) {
            throw symlink(path);
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new ApiKeyStoreException(name + " is not a regular file; point the key store at a file",
                    file, null);
        }
        if (!posix) {
            return;
        }
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw ioFailure("cannot read the permissions of key store " + path, e);
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(mode);
        open.retainAll(GROUP_OR_OTHERS);
        if (!open.isEmpty()) {
            throw new ApiKeyStoreException(name + " can be " + describe(open)
                    + " (mode " + PosixFilePermissions.toString(mode) + ")"
                    + "; the store holds Email Bison credentials, so it must be readable and writable by its"
                    + " owner only:"
                    + " run `chmod 600 " + path + "` (and, if others may have read it, delete its keys in the"
                    + " Email Bison web UI)", file, null);
        }
    }

    private static String describe(Set<PosixFilePermission> open) {
        boolean group = open.contains(PosixFilePermission.GROUP_READ)
                || open.contains(PosixFilePermission.GROUP_WRITE);
        boolean others = open.contains(PosixFilePermission.OTHERS_READ)
                || open.contains(PosixFilePermission.OTHERS_WRITE);
        boolean read = open.contains(PosixFilePermission.GROUP_READ)
                || open.contains(PosixFilePermission.OTHERS_READ);
        boolean write = open.contains(PosixFilePermission.GROUP_WRITE)
                || open.contains(PosixFilePermission.OTHERS_WRITE);
        return (read && write ? "read and written" : read ? "read" : "written") + " by "
                + (group && others ? "group and others" : group ? "its group" : "others");
    }

    private ApiKeyStoreException symlink(Path path) {
        return new ApiKeyStoreException("key store " + path + " is a symbolic link; it is refused because every"
                + " update replaces the file itself: point the key store at the real file", file, null);
    }

    private ApiKeyStoreException ioFailure(String message, IOException e) {
        // An IOException's message is a path and an OS reason: no key material.
        return new ApiKeyStoreException(message + ": " + e, file, e);
    }

    /** Makes the rename durable; best effort, as not every platform can open a directory. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException ignored) {
            // The file's own content is already forced; only the rename may be lost by a power cut.
        }
    }

    private static void closeQuietly(@Nullable FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // The OS releases the lock with the channel or, at the latest, with the process.
            }
        }
    }

    private static void deleteQuietly(@Nullable Path temp) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // A leftover temporary file is owner-only and ignored by the store.
            }
        }
    }

    @Override
    public String toString() {
        int keys = knownKeys;
        return "ApiKeyStore.file(" + file + ", " + (keys < 0 ? "not read yet" : keys == 1 ? "1 key" : keys + " keys") + ")";
    }
}
