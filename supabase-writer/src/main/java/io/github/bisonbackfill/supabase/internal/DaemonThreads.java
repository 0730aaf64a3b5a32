package io.github.bisonbackfill.supabase.internal;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The writer's one factory of background threads: daemon threads (they never keep a JVM alive) named
 * {@code prefix-1}, {@code prefix-2}, ... The writer depends on no other module of the project, so
 * this mirrors bison-client's {@code DaemonThreads} rather than sharing it.
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /**
     * Returns a factory of daemon threads named {@code prefix-1}, {@code prefix-2}, ... in creation order.
     *
     * @param prefix the name before the dash and the number
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
