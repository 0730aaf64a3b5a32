package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.internal.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Plans a run before any client is read: its run id (fresh, resumed or joined), the clients a
 * resumed run skips, and the order the others start in (largest first, with the pool that asks
 * Email Bison for the sizes it does not know).
 */
final class RunPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(BackfillOrchestrator.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The run a call belongs to.
     *
     * @param runId   its id
     * @param resumed whether it resumes the store's current run
     */
    record Start(String runId, boolean resumed) {
    }

    private final CheckpointStore checkpoints;
    private final Workspaces workspaces;
    private final int parallelScans;

    RunPlanner(CheckpointStore checkpoints, Workspaces workspaces, int parallelScans) {
        this.checkpoints = checkpoints;
        this.workspaces = workspaces;
        this.parallelScans = parallelScans;
    }

    /**
     * The run id: the store's current run when resuming or running selected clients (a fresh one if
     * there is none), else a fresh id, which a full, written, non-catch-up run records as the store's
     * current run ({@link CheckpointStore#beginRun}). A catch-up is a pass of its own: a fresh id,
     * never the current run's, and it does not become the current run, so an interrupted full run
     * stays resumable ({@link RunOptions} refuses resume + sinceLast).
     */
    Start start(RunOptions options, Instant startedAt) {
        Optional<String> current = !options.sinceLast() && (options.resume() || !options.clients().isEmpty())
                ? checkpoints.currentRunId() : Optional.empty();
        boolean resumed = options.resume() && current.isPresent();
        String runId = current.orElseGet(() -> newRunId(startedAt));
        if (current.isEmpty() && !options.dryRun() && !options.sinceLast()) {
            checkpoints.beginRun(runId);
        }
        return new Start(runId, resumed);
    }

    /** The clients a resumed run skips (completed in it), with their reports, in plan order. */
    Map<ClientSpec, ClientReport> alreadyDone(List<ClientSpec> clients, Start start) {
        Map<ClientSpec, ClientReport> skipped = new LinkedHashMap<>();
        if (!start.resumed()) {
            return skipped;
        }
        for (ClientSpec c : clients) {
            if (checkpoints.get(c.key()).filter(cp -> cp.completedIn(start.runId())).isPresent()) {
                skipped.put(c, ClientReport.skipped(c.key()));
            }
        }
        return skipped;
    }

    /**
     * Orders clients largest first ("longest processing time first"): with several api-user-key
     * scans at once, a large client started last would run alone at the end while the rate limit has
     * room (measured in docs/benchmarks.md). The size is the rows the client's last completed pass
     * wrote (checkpoint store); without one, an api-user-key client's size is asked of Email Bison
     * ({@link io.github.bisonbackfill.bison.BisonClient#interestedTotal}: one request, several at
     * once; the key check it makes is the scan's anyway). Clients of unknown size (super-admin keys,
     * whose scans are serialised by the session lock anyway, or a failed size request) come first, in
     * plan order, since they may be large. Stable; the report keeps plan order.
     */
    List<ClientSpec> largestFirst(List<ClientSpec> clients) {
        Map<ClientSpec, Long> rows = new LinkedHashMap<>();
        List<ClientSpec> unknown = new ArrayList<>();
        for (ClientSpec c : clients) {
            Optional<Long> done = checkpoints.get(c.key()).filter(cp -> cp.status() == CheckpointStatus.COMPLETED)
                    .map(ClientCheckpoint::rowsWritten);
            rows.put(c, done.orElse(Long.MAX_VALUE));
            if (done.isEmpty() && workspaces.client(c).keyModeFor(c.workspaceId()).isApiUserKey()) {
                unknown.add(c);
            }
        }
        if (unknown.size() > 1) {
            askSizes(unknown, rows);
        }
        List<ClientSpec> ordered = new ArrayList<>(clients);
        ordered.sort(Comparator.comparing(rows::get, Comparator.reverseOrder()));
        return ordered;
    }

    /** Asks Email Bison the sizes of {@code unknown} (several at once) into {@code rows}; a failure keeps the place. */
    private void askSizes(List<ClientSpec> unknown, Map<ClientSpec, Long> rows) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(unknown.size(), parallelScans * workspaces.size()),
                DaemonThreads.named("bison-backfill-sizes"));
        try {
            Map<ClientSpec, Future<Long>> sizes = new LinkedHashMap<>();
            for (ClientSpec c : unknown) {
                sizes.put(c, pool.submit(() -> workspaces.client(c).interestedTotal(c.workspaceId())));
            }
            for (Map.Entry<ClientSpec, Future<Long>> e : sizes.entrySet()) {
                try {
                    rows.put(e.getKey(), e.getValue().get());
                } catch (ExecutionException failed) {
                    // Unknown size: the client keeps its place; its scan reports what is wrong.
                    LOG.debug("size of {} unknown: {}", e.getKey().key(), ErrorInfo.from(failed.getCause()).message());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String newRunId(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS) + "-" + String.format(Locale.ROOT, "%04x", RANDOM.nextInt(0x10000));
    }
}
