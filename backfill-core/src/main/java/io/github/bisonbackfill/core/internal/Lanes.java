package io.github.bisonbackfill.core.internal;

import io.github.bisonbackfill.bison.internal.DaemonThreads;
import io.github.bisonbackfill.core.ClientSpec;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Runs one task per client: instances in parallel (one lane each), and within a lane the clients in
 * plan order, in batches of {@code clientsPerBatch} that run concurrently (a batch ends before the
 * next starts). Starts within a lane are spaced by {@code delayBetweenClients}, batches by
 * {@code delayBetweenBatches}. A lane's {@link Lane#scanPermits()} bounds how many api-user-key
 * workspaces of that instance are read at once (super-admin reads serialise on the client's session
 * lock by themselves).
 *
 * <p>A task's {@link RuntimeException} is the task's business (it must turn it into a result); an
 * {@link Error} stops every lane from starting further clients, lets running ones finish, and is
 * rethrown. Clients never started get the {@code notRun} result. Interrupting the calling thread
 * does the same, interrupting running tasks, and returns with the interrupt flag set.
 */
public final class Lanes {
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final int clientsPerBatch;
    private final int parallelScans;
    private final Duration delayBetweenClients;
    private final Duration delayBetweenBatches;

    /**
     * A task per client.
     *
     * @param <R> result type
     */
    @FunctionalInterface
    public interface Task<R> {
        /**
         * @param client the client
         * @param index  its position in the list given to {@link #run} (0-based)
         * @param lane   its instance's lane
         * @return its result
         */
        R run(ClientSpec client, int index, Lane lane);
    }

    /** Per-instance shared state of one {@link #run}. */
    public static final class Lane {
        private final String instance;
        private final Semaphore scanPermits;

        Lane(String instance, int parallelScans) {
            this.instance = instance;
            this.scanPermits = new Semaphore(parallelScans, true);
        }

        /** @return the instance name */
        public String instance() {
            return instance;
        }

        /** @return permits for concurrent api-user-key scans on this instance */
        public Semaphore scanPermits() {
            return scanPermits;
        }
    }

    /**
     * @param clientsPerBatch     clients in flight per instance, at least 1
     * @param parallelScans       api-user-key scans at once per instance, at least 1
     * @param delayBetweenClients pause between two client starts of one instance
     * @param delayBetweenBatches pause between two batches of one instance
     */
    public Lanes(int clientsPerBatch, int parallelScans, Duration delayBetweenClients, Duration delayBetweenBatches) {
        this.clientsPerBatch = clientsPerBatch;
        this.parallelScans = parallelScans;
        this.delayBetweenClients = Objects.requireNonNull(delayBetweenClients);
        this.delayBetweenBatches = Objects.requireNonNull(delayBetweenBatches);
    }

    /**
     * Runs {@code task} for every client.
     *
     * @param clients the clients, in plan order
     * @param task    the work
     * @param notRun  the result of a client that was never started
     * @param <R>     result type
     * @return one result per client, same order
     * @throws Error the first {@link Error} a task threw, after the lanes stopped
     */
    public <R> List<R> run(List<ClientSpec> clients, Task<R> task, Function<ClientSpec, R> notRun) {
        Map<String, List<Integer>> byInstance = new LinkedHashMap<>();
        for (int i = 0; i < clients.size(); i++) {
            byInstance.computeIfAbsent(clients.get(i).instance(), k -> new ArrayList<>()).add(i);
        }
        AtomicReferenceArray<@Nullable R> results = new AtomicReferenceArray<>(clients.size());
        AtomicReference<@Nullable Throwable> fatal = new AtomicReference<>();
        int run = RUNS.incrementAndGet();
        ExecutorService outer = Executors.newFixedThreadPool(Math.max(1, byInstance.size()),
                DaemonThreads.named("bison-backfill-" + run + "-lane"));
        List<ExecutorService> inners = new ArrayList<>();
        List<Future<?>> laneFutures = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : byInstance.entrySet()) {
            ExecutorService inner = Executors.newFixedThreadPool(clientsPerBatch,
                    DaemonThreads.named("bison-backfill-" + run + "-" + e.getKey()));
            inners.add(inner);
            Lane lane = new Lane(e.getKey(), parallelScans);
            laneFutures.add(outer.submit(() -> runLane(clients, e.getValue(), lane, inner, task, results, fatal)));
        }
        boolean interrupted = false;
        try {
            for (Future<?> f : laneFutures) {
                try {
                    f.get();
                } catch (ExecutionException ex) {
                    fatal.compareAndSet(null, ex.getCause());
                }
            }
        } catch (InterruptedException ex) {
            interrupted = true;
            fatal.compareAndSet(null, ex);
            outer.shutdownNow();
            inners.forEach(ExecutorService::shutdownNow);
            for (Future<?> f : laneFutures) {
                try {
                    f.get();
                } catch (InterruptedException | ExecutionException | CancellationException ignored) {
                    // Already stopping: the lanes' own bookkeeping holds what finished.
                }
            }
        } finally {
            outer.shutdownNow();
            inners.forEach(ExecutorService::shutdownNow);
        }
        List<R> out = new ArrayList<>(clients.size());
        for (int i = 0; i < clients.size(); i++) {
            R r = results.get(i);
            out.add(r != null ? r : notRun.apply(clients.get(i)));
        }
        Throwable t = fatal.get();
        if (interrupted) {
            Thread.currentThread().interrupt();
        } else if (t instanceof Error err) {
            throw err;
        } else if (t != null) {
            throw new IllegalStateException("a backfill lane failed unexpectedly: " + t, t);
        }
        return out;
    }

    private <R> void runLane(List<ClientSpec> clients, List<Integer> indexes, Lane lane, ExecutorService inner,
                             Task<R> task, AtomicReferenceArray<@Nullable R> results,
                             AtomicReference<@Nullable Throwable> fatal) {
        boolean first = true;
        for (int from = 0; from < indexes.size() && fatal.get() == null; from += clientsPerBatch) {
            List<Integer> batch = indexes.subList(from, Math.min(indexes.size(), from + clientsPerBatch));
            if (from > 0 && !pause(delayBetweenBatches, fatal)) {
                return;
            }
            List<Future<?>> running = new ArrayList<>();
            for (int index : batch) {
                if (fatal.get() != null || (!first && !pause(delayBetweenClients, fatal))) {
                    break;
                }
                first = false;
                running.add(inner.submit(() -> results.set(index, task.run(clients.get(index), index, lane))));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException ex) {
                    fatal.compareAndSet(null, ex.getCause());
                } catch (InterruptedException ex) {
                    fatal.compareAndSet(null, ex);
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static boolean pause(Duration d, AtomicReference<@Nullable Throwable> fatal) {
        if (d.isZero()) {
            return true;
        }
        try {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
            return true;
        } catch (InterruptedException e) {
            fatal.compareAndSet(null, e);
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
