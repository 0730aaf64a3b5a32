package io.github.bisonbackfill.bison.internal;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one factory of the library's own background threads: daemon threads (they never keep a JVM
 * alive) with a readable name, so a thread dump shows whose they are.
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /**
     * Returns a factory of daemon threads named {@code prefix-1}, {@code prefix-2}, ... in the order
     * they are created.
     *
     * @param prefix the name before the dash and the number, e.g. {@code bison-agency-main-pages}
     * @return a new factory with its own numbering
     */
    public static ThreadFactory named(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
