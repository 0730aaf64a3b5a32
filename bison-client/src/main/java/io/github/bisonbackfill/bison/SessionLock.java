package io.github.bisonbackfill.bison;

import io.github.bisonbackfill.bison.internal.FileSessionLock;
import io.github.bisonbackfill.bison.internal.InJvmSessionLock;

import java.nio.file.Path;

/**
 * Mutual exclusion of everyone who switches the current workspace of one super-admin user on one
 * Email Bison instance. The current workspace is server-side state of the <em>user</em>, shared by
 * every process, thread and browser tab using it; a {@link BisonClient} holding a super-admin key
 * takes this lock for the whole switch → verify → read sequence of one operation.
 *
 * <p>Implementations must be thread-safe. The built-in ones:
 * <ul>
 *   <li>{@link #inJvm()} (the default): one lock per (instance, user) in this JVM, shared by every
 *       {@code BisonClient} of the JVM through a static registry;</li>
 *   <li>{@link #fileLock(Path)}: additionally an OS file lock in a directory, for several processes
 *       on one host.</li>
 * </ul>
 * A lock only excludes those who take it: a person clicking in the web UI, or a process that does
 * not use this library, can still switch the user. The client's verification and page fences
 * detect that; the lock makes it rare.
 */
public interface SessionLock {

    /**
     * Blocks until the session of {@code userId} on {@code instance} is held by the caller.
     *
     * @param instance the instance's identity: its normalised base URL (never a key)
     * @param userId   the super-admin user's id ({@code GET /api/users} → {@code data.id})
     * @return the held lock; close it to release
     * @throws InterruptedException  if the thread is interrupted while waiting
     * @throws IllegalStateException if the calling thread already holds this session (a nested
     *                               operation would switch the workspace under the outer one)
     * @throws BisonIoException      if a file-based lock cannot be taken
     */
    Lease acquire(String instance, long userId) throws InterruptedException;

    /** A held session lock. */
    interface Lease extends AutoCloseable {
        /** Releases the lock; idempotent. */
        @Override
        void close();
    }

    /**
     * Returns the in-JVM lock: one lock per (instance, user), shared by every client of the JVM.
     * Thread-safe.
     */
    static SessionLock inJvm() {
        return InJvmSessionLock.INSTANCE;
    }

    /**
     * Returns a lock for several processes on one host: it holds the in-JVM lock, then an exclusive
     * OS lock on a file in {@code directory} (created if missing) named after a SHA-256 hash of the
     * instance and the user id (never a key). All processes must use the same directory.
     *
     * @param directory the directory of the lock files
     * @return the lock
     * @throws NullPointerException if {@code directory} is {@code null}
     */
    static SessionLock fileLock(Path directory) {
        return new FileSessionLock(directory);
    }
}
