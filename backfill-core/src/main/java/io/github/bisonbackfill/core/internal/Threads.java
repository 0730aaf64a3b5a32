package io.github.bisonbackfill.core.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The one place backfill-core makes its worker threads. */
public final class Threads {
    private Threads() {
    }

    /**
     * Daemon threads named {@code prefix-1}, {@code prefix-2}, ... (daemon: a pool left behind by an
     * interrupted run never keeps the JVM alive).
     *
     * @param prefix the thread names' prefix
     * @return the factory
     */
    public static ThreadFactory daemon(String prefix) {
        Check.notBlank("prefix", prefix);
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
