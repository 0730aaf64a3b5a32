package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.BisonException;
import io.github.bisonbackfill.bison.internal.BisonJson.CurrentUser;
import io.github.bisonbackfill.bison.internal.BisonJson.RepliesPage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads pages of one scan's interested listing, up to {@code pageParallelism} at once on the
 * engine's page threads, and, for a fenced scan, watches the read-back while a group is read.
 */
final class PageFetcher {
    /** Logs under the engine's name, the one logging configurations name. */
    private static final Logger log = LoggerFactory.getLogger(BisonEngine.class);
    private static final String REPLIES = "/api/replies?status=interested&folder=all&page=";
    /**
     * Least time between two read-back checks while a fence group is read: 100 ms, so a fast group
     * costs no extra request and a slow one at most one per interval (250 ms by default).
     */
    static final Duration MIN_WATCH_INTERVAL = Duration.ofMillis(100);
    /** Stands for a read-back that failed while pages were read: nothing proven. */
    static final CurrentUser UNKNOWN_CONTEXT = new CurrentUser(0, null, "(read-back failed)");

    private final Transport transport;
    private final BisonJson json;
    private final ExecutorService executor;
    private final ContextGuard guard;
    private final ApiKey key;
    private final int parallelism;
    private final Duration verificationInterval;
    /** Another workspace the read-back showed while the last group was read, or {@code null}. */
    private volatile @Nullable CurrentUser seenWhileReading;

    PageFetcher(Transport transport, BisonJson json, ExecutorService executor, ContextGuard guard, ApiKey key,
                ClientConfig config) {
        this.transport = transport;
        this.json = json;
        this.executor = executor;
        this.guard = guard;
        this.key = key;
        this.parallelism = config.pageParallelism();
        this.verificationInterval = config.verificationInterval();
    }

    /** Reads one page of a workspace's interested listing with {@code key}. */
    static RepliesPage read(Transport transport, BisonJson json, ApiKey key, long workspaceId, int page) {
        Endpoint endpoint = new Endpoint("GET", REPLIES + page, workspaceId, page);
        return transport.send(endpoint, key, null, true, body -> json.read(body, endpoint, root -> json.repliesPage(root, page)));
    }

    /** Reads one page. */
    RepliesPage fetch(int page) {
        return read(transport, json, key, guard.workspaceId, page);
    }

    /**
     * Returns (and forgets) another workspace the read-back showed while the last group was read:
     * {@link #UNKNOWN_CONTEXT} if a read-back failed, {@code null} if every one showed the target.
     */
    @Nullable CurrentUser takeSeenWhileReading() {
        CurrentUser seen = seenWhileReading;
        seenWhileReading = null;
        return seen;
    }

    /**
     * Reads the pages, in order of the list, up to {@code pageParallelism} at once; the first failure
     * stops the rest and is thrown.
     */
    List<RepliesPage> fetch(List<Integer> numbers) {
        int n = numbers.size();
        if (n == 0) {
            return List.of();
        }
        RepliesPage[] pages = new RepliesPage[n];
        @Nullable RuntimeException[] errors = new RuntimeException[n];
        AtomicInteger cursor = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Future<?> watcher = guard.fenced ? executor.submit(() -> watchWhileReading(finished)) : null;
        Runnable worker = () -> {
            int i;
            while (!failed.get() && (i = cursor.getAndIncrement()) < n) {
                try {
                    pages[i] = fetch(numbers.get(i));
                } catch (RuntimeException e) {
                    errors[i] = e;
                    failed.set(true);
                }
            }
        };
        List<Future<?>> helpers = new ArrayList<>();
        for (int k = 1; k < Math.min(parallelism, n); k++) {
            helpers.add(executor.submit(worker));
        }
        try {
            worker.run();
            joinAll(helpers, failed);
        } finally {
            finished.countDown();
            if (watcher != null) {
                joinAll(List.of(watcher), failed);
            }
        }
        for (RuntimeException error : errors) {
            if (error != null) {
                throw error;
            }
        }
        return List.of(pages);
    }

    /**
     * Watches the read-back every verification interval while a fence group is read (one check per
     * interval, none for a group read faster): another actor switching away and back during a long
     * group, between the fence's before- and after-check, is then seen rather than missed, even when
     * its trailing data was what the group read. Records the first other workspace seen.
     */
    private void watchWhileReading(CountDownLatch finished) {
        long interval = Math.max(MIN_WATCH_INTERVAL.toNanos(), verificationInterval.toNanos());
        try {
            while (!finished.await(interval, TimeUnit.NANOSECONDS)) {
                CurrentUser user = guard.check();
                if (!guard.isTarget(user)) {
                    seenWhileReading = user;
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // A read-back that fails proves nothing: the group cannot count.
            seenWhileReading = UNKNOWN_CONTEXT;
            log.debug("workspace {}: read-back while reading pages failed: {}", guard.workspaceId, e.getMessage());
        }
    }

    private void joinAll(List<Future<?>> helpers, AtomicBoolean failed) {
        for (Future<?> helper : helpers) {
            try {
                helper.get();
            } catch (InterruptedException e) {
                failed.set(true);
                helpers.forEach(h -> h.cancel(true));
                Thread.currentThread().interrupt();
                throw new BisonException("interrupted while reading pages of workspace " + guard.workspaceId, e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("page worker failed unexpectedly", e.getCause());
            }
        }
    }
}
