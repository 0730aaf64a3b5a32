package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.SessionLock;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The JVM-wide session lock: a static registry of one fair lock per (instance, user), so every
 * {@code BisonClient} of the JVM excludes every other one, whatever the key text it holds.
 */
public final class InJvmSessionLock implements SessionLock {
    /** The single instance: the registry is static, so one object is enough. */
    public static final InJvmSessionLock INSTANCE = new InJvmSessionLock();

    // Entries are never removed: one small lock per (instance, user) ever used is a bounded cost,
    // and removing would race with a waiter that already looked the lock up.
    private static final ConcurrentMap<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private InJvmSessionLock() {
    }

    @Override
    public Lease acquire(String instance, long userId) throws InterruptedException {
        ReentrantLock lock = LOCKS.computeIfAbsent(sessionId(instance, userId), k -> new ReentrantLock(true));
        if (lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("this thread already holds the session of user " + userId + " on "
                    + instance + ": a nested operation would switch the workspace under the outer one");
        }
        lock.lockInterruptibly();
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                lock.unlock();
            }
        };
    }

    /** Returns the registry key of a session: instance and user, never a key. */
    static String sessionId(String instance, long userId) {
        return Objects.requireNonNull(instance, "instance") + "\u0000" + userId;
    }

    @Override
    public String toString() {
        return "SessionLock.inJvm()";
    }
}
