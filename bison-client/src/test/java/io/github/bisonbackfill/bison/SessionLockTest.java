package io.github.bisonbackfill.bison;

import io.github.bisonbackfill.bison.internal.FileSessionLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionLockTest {

    /** Starts a thread that acquires the lock and records when it holds it; returns once it is waiting. */
    private static Thread contender(SessionLock lock, String instance, long user, AtomicBoolean acquired) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            started.countDown();
            try (SessionLock.Lease ignored = lock.acquire(instance, user)) {
                acquired.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        started.await();
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING
                && t.getState() != Thread.State.TERMINATED) {
            Thread.onSpinWait();
        }
        return t;
    }

    @Test
    void inJvm_excludesOtherThreadsOfTheSameInstanceAndUser_untilReleased() throws Exception {
        SessionLock lock = SessionLock.inJvm();
        AtomicBoolean acquired = new AtomicBoolean();
        Thread other;
        try (SessionLock.Lease ignored = lock.acquire("https://a.example", 1)) {
            other = contender(lock, "https://a.example", 1, acquired);
            assertThat(acquired).isFalse();
            assertThat(other.getState()).isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);
        }
        other.join();
        assertThat(acquired).isTrue();
    }

    @Test
    void inJvm_doesNotExcludeAnotherUserOrInstance() throws Exception {
        SessionLock lock = SessionLock.inJvm();
        try (SessionLock.Lease ignored = lock.acquire("https://a.example", 1)) {
            AtomicBoolean otherUser = new AtomicBoolean();
            contender(lock, "https://a.example", 2, otherUser).join();
            AtomicBoolean otherInstance = new AtomicBoolean();
            contender(lock, "https://b.example", 1, otherInstance).join();
            assertThat(otherUser).isTrue();
            assertThat(otherInstance).isTrue();
        }
    }

    @Test
    void inJvm_refusesANestedAcquireOnTheSameThread() throws Exception {
        SessionLock lock = SessionLock.inJvm();
        try (SessionLock.Lease ignored = lock.acquire("https://nested.example", 1)) {
            assertThatThrownBy(() -> lock.acquire("https://nested.example", 1))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("nested");
        }
    }

    @Test
    void fileLock_holdsTheInJvmLockToo_andNamesTheFileByHashOnly(@TempDir Path dir) throws Exception {
        SessionLock files = SessionLock.fileLock(dir);
        AtomicBoolean viaInJvm = new AtomicBoolean();
        Thread other;
        try (SessionLock.Lease ignored = files.acquire("https://c.example", 42)) {
            other = contender(SessionLock.inJvm(), "https://c.example", 42, viaInJvm);
            assertThat(viaInJvm).isFalse();
            try (var list = Files.list(dir)) {
                assertThat(list.map(p -> p.getFileName().toString()).toList()).singleElement().satisfies(name -> {
                    assertThat(name).matches("bison-session-[0-9a-f]{32}\\.lock");
                    assertThat(name).doesNotContain("c.example").doesNotContain("42");
                });
            }
        }
        other.join();
        assertThat(viaInJvm).isTrue();
        assertThat(((FileSessionLock) files).lockFile("https://c.example", 42))
                .isNotEqualTo(((FileSessionLock) files).lockFile("https://c.example", 43));
    }

    @Test
    void fileLock_excludesAnotherFileLockOnTheSameDirectory(@TempDir Path dir) throws Exception {
        AtomicBoolean acquired = new AtomicBoolean();
        Thread other;
        try (SessionLock.Lease ignored = SessionLock.fileLock(dir).acquire("https://d.example", 1)) {
            other = contender(SessionLock.fileLock(dir), "https://d.example", 1, acquired);
            assertThat(acquired).isFalse();
        }
        other.join();
        assertThat(acquired).isTrue();
    }
}
