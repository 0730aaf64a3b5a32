package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.BisonIoException;
import io.github.bisonbackfill.bison.SessionLock;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A session lock shared by processes on one host: the in-JVM lock first (a {@link FileChannel} lock
 * is held per JVM, so threads of one JVM would not exclude each other through it), then an
 * exclusive OS lock on {@code <dir>/bison-session-<sha256(instance, user)>.lock}.
 */
public final class FileSessionLock implements SessionLock {
    private final Path directory;

    /**
     * Creates the lock.
     *
     * @param directory the directory of the lock files, shared by all processes
     */
    public FileSessionLock(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Returns the lock file of a session; its name is a hash, so it reveals neither instance nor user. */
    public Path lockFile(String instance, long userId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(InJvmSessionLock.sessionId(instance, userId).getBytes(StandardCharsets.UTF_8));
            return directory.resolve("bison-session-" + HexFormat.of().formatHex(digest, 0, 16) + ".lock");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    @Override
    public Lease acquire(String instance, long userId) throws InterruptedException {
        Lease inJvm = InJvmSessionLock.INSTANCE.acquire(instance, userId);
        Path file = lockFile(instance, userId);
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fileLock = channel.lock();
            FileChannel held = channel;
            AtomicBoolean released = new AtomicBoolean();
            return () -> {
                if (released.compareAndSet(false, true)) {
                    try {
                        fileLock.release();
                        held.close();
                    } catch (IOException ignored) {
                        // Closing the channel releases the OS lock in any case.
                    } finally {
                        inJvm.close();
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            inJvm.close();
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for session lock file " + file);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new BisonIoException("cannot lock session file " + file + ": " + e.getMessage(), 0, e);
        }
    }

    private static void closeQuietly(@Nullable FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing more to release.
            }
        }
    }

    @Override
    public String toString() {
        return "SessionLock.fileLock(" + directory + ")";
    }
}
