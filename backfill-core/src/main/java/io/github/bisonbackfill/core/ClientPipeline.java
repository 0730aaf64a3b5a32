package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.ScanOptions;
import io.github.bisonbackfill.bison.ScanResult;
import io.github.bisonbackfill.core.internal.Lanes;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One client of a run, as named steps: mark it in progress → read → dedup → write in chunks → verify
 * the write → count → checkpoint. What the steps learn is kept in an {@link Attempt}, so a failure
 * at any step is reported with everything done before it.
 */
final class ClientPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(BackfillOrchestrator.class);

    private final Workspaces workspaces;
    private final LeadSink sink;
    private final LeadAudit audit;
    private final CheckpointStore checkpoints;
    private final ProgressListener listener;
    private final Clock clock;
    private final ClientLeadMapper mapper;
    private final int writeChunkRows;

    ClientPipeline(Workspaces workspaces, LeadSink sink, LeadAudit audit, CheckpointStore checkpoints,
                   ProgressListener listener, Clock clock, int writeChunkRows) {
        this.workspaces = workspaces;
        this.sink = sink;
        this.audit = audit;
        this.checkpoints = checkpoints;
        this.listener = listener;
        this.clock = clock;
        this.mapper = ClientLeadMapper.builder().clock(clock).build();
        this.writeChunkRows = writeChunkRows;
    }

    /** What one attempt of one client has learnt so far; {@code null} where a step has not finished. */
    private static final class Attempt {
        final ClientSpec spec;
        final ClientKey key;
        final String runId;
        final RunOptions options;
        final Instant start;
        @Nullable Long previousHighWater;
        @Nullable String workspaceName;
        @Nullable ScanStats scan;
        @Nullable DedupStats dedup;
        @Nullable WriteStats write;

        Attempt(ClientSpec spec, String runId, RunOptions options, Instant start) {
            this.spec = spec;
            this.key = spec.key();
            this.runId = runId;
            this.options = options;
            this.start = start;
        }
    }

    /**
     * What the rest of the pipeline needs of the scan, which is dropped once deduplicated (only the
     * winning replies stay: memory, docs/benchmarks.md).
     */
    private record Leads(LeadDedupResult dedup, SourceWorkspace source, boolean fullScan, @Nullable Long newHighWater,
                         long windowReplies, long windowLeads) {
    }

    /**
     * Runs one client with the MDC keys {@value BackfillOrchestrator#MDC_RUN_ID},
     * {@value BackfillOrchestrator#MDC_INSTANCE} and {@value BackfillOrchestrator#MDC_CLIENT} set on the
     * worker thread (so log lines of clients read in parallel can be told apart), restoring what the
     * thread had before.
     */
    ClientReport runInMdc(ClientSpec spec, int index, int of, Lanes.Lane lane, String runId, RunOptions options) {
        return inMdc(runId, spec, () -> run(spec, index, of, lane, runId, options));
    }

    private static <T> T inMdc(String runId, ClientSpec spec, Supplier<T> work) {
        Map<String, String> before = MDC.getCopyOfContextMap();
        MDC.put(BackfillOrchestrator.MDC_RUN_ID, runId);
        MDC.put(BackfillOrchestrator.MDC_INSTANCE, spec.instance());
        MDC.put(BackfillOrchestrator.MDC_CLIENT, spec.name());
        try {
            return work.get();
        } finally {
            if (before == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(before);
            }
        }
    }

    private ClientReport run(ClientSpec spec, int index, int of, Lanes.Lane lane, String runId, RunOptions options) {
        Attempt a = new Attempt(spec, runId, options, clock.instant());
        listener.on(new ProgressEvent.ClientStarted(a.key, index, of, a.start));
        ClientReport report;
        try {
            report = steps(a, lane);
        } catch (RuntimeException e) {
            report = failed(a, e);
        }
        listener.on(new ProgressEvent.ClientFinished(report, index, of, clock.instant()));
        return report;
    }

    private ClientReport steps(Attempt a, Lanes.Lane lane) {
        markInProgress(a);
        Leads leads = dedup(a, read(a, lane));
        BillingWindow window = a.options.billing().orElse(null);
        if (a.options.dryRun()) {
            BillingCounts billing = window == null ? null
                    : new BillingCounts(window, leads.windowReplies(), leads.windowLeads(), null, null);
            return ClientReport.dryRun(a.key, a.workspaceName, a.scan, a.dedup, billing, elapsed(a));
        }
        writeChunks(a, leads);
        verifyWrite(a.key, a.write);
        // Only a scan of every page knows the workspace's distinct emails; after a catch-up that
        // stopped early, reconcile() (a full scan) is the comparison.
        Reconciliation reconciliation = leads.fullScan() ? countAfterWrite(a, leads.dedup()) : null;
        BillingCounts billing = window == null ? null
                : audit.counts(a.spec, leads.windowReplies(), leads.windowLeads(), window, false);
        checkpoint(a, CheckpointStatus.COMPLETED, a.write.rowsWritten(), leads.newHighWater());
        return ClientReport.completed(a.key, a.workspaceName, a.scan, a.dedup, a.write, reconciliation, billing,
                elapsed(a));
    }

    /** Step 1: the stored high-water mark (unless a plain dry run), and the client marked in progress. */
    private void markInProgress(Attempt a) {
        if (!a.options.dryRun() || a.options.sinceLast()) {
            a.previousHighWater = checkpoints.get(a.key).map(ClientCheckpoint::highWaterReplyId).orElse(null);
        }
        if (!a.options.dryRun()) {
            checkpoint(a, CheckpointStatus.IN_PROGRESS, 0, a.previousHighWater);
        }
    }

    /** Step 2: every page, or a catch-up from the mark; read again when replies vanished meanwhile. */
    private ScanResult read(Attempt a, Lanes.Lane lane) {
        ScanOptions.Builder scanOptions = ScanOptions.builder();
        String fullScanReason = null;
        if (a.options.sinceLast()) {
            if (a.previousHighWater != null) {
                scanOptions.catchUp(a.previousHighWater, a.options.catchUpMargin());
            } else {
                fullScanReason = "since-last run: no high-water mark stored for this client (it has not"
                        + " completed a run yet), so every page was read";
            }
        }
        ScanResult scan = workspaces.scan(a.spec, lane, scanOptions, true);
        if (scan.totalFell()) {
            scan = workspaces.readAgainAndMerge(a.spec, lane, scanOptions, scan);
        }
        a.workspaceName = scan.workspaceName();
        a.scan = ScanStats.from(scan, scanOptions.build(), fullScanReason);
        warnAboutScan(a, scan);
        return scan;
    }

    /** Step 3: one lead per email, and what later steps need of the scan (which the caller does not keep). */
    private Leads dedup(Attempt a, ScanResult scan) {
        LeadDedupResult dedup = LeadDedup.apply(scan.replies());
        a.dedup = DedupStats.from(dedup);
        BillingWindow window = a.options.billing().orElse(null);
        long windowReplies = window == null ? 0 : window.countReplies(scan.replies());
        long windowLeads = window == null ? 0 : window.countLeads(dedup.leads());
        SourceWorkspace source = new SourceWorkspace(scan.instance(), workspaces.baseUrl(a.spec), a.spec.workspaceId(),
                a.spec.name());
        return new Leads(dedup, source, scan.fullScan(), highWater(a.previousHighWater, scan), windowReplies,
                windowLeads);
    }

    /**
     * Step 4: maps and writes the leads {@code writeChunkRows}
     * ({@link BackfillOrchestrator#DEFAULT_WRITE_CHUNK_ROWS}) at a time, so that only one chunk's rows
     * (and the sink's JSON of them) are in memory besides the leads; each chunk's result is added to
     * {@code a.write} as soon as it returns (on a failure, the earlier chunks are reported: they stay
     * written).
     */
    private void writeChunks(Attempt a, Leads leads) {
        List<UniqueLead> all = leads.dedup().leads();
        AtomicInteger batch = new AtomicInteger();
        AtomicLong acknowledged = new AtomicLong();
        LeadSink.BatchListener progress = (rows, ack) -> listener.on(new ProgressEvent.BatchWritten(a.key,
                batch.incrementAndGet(), rows, acknowledged.addAndGet(ack), all.size(), clock.instant()));
        for (int from = 0; from < all.size() || from == 0; from += writeChunkRows) {
            List<ClientLeadRow> rows = mapper.mapAll(all.subList(from, Math.min(all.size(), from + writeChunkRows)),
                    leads.source());
            WriteStats chunk = sink.upsert(rows, progress);
            a.write = a.write == null ? chunk : a.write.plus(chunk);
        }
    }

    /** Step 5: every row acknowledged or refused, and not every row refused (a fault of the table). */
    private static void verifyWrite(ClientKey key, WriteStats w) {
        if (!w.complete()) {
            throw new BackfillException("write of " + key + " is incomplete: " + w.rowsSubmitted()
                    + " rows submitted, " + w.rowsWritten() + " acknowledged, " + w.rejects().size() + " rejected, "
                    + w.duplicatesDropped() + " dropped as duplicates; run the client again");
        }
        long sent = w.rowsSubmitted() - w.duplicatesDropped();
        if (sent > 1 && w.rowsWritten() == 0 && w.rejects().size() == sent) {
            // Every row refused is a table-wide problem (a new NOT NULL column, a blocking trigger,
            // a policy), not bad rows: the client is not done, and its mark must not move.
            throw new BackfillException("Supabase refused every one of the " + sent + " rows of " + key
                    + " (first: " + w.rejects().get(0).error().code() + " " + w.rejects().get(0).error().message()
                    + "); this is a problem of the table, not of the rows: fix it and run the client again");
        }
    }

    /** Step 6: the client's rows counted in the sink against its distinct emails (warned about, never failed). */
    private @Nullable Reconciliation countAfterWrite(Attempt a, LeadDedupResult dedup) {
        try {
            Reconciliation r = new Reconciliation(dedup.leads().size(), sink.count(a.spec.name()), null);
            if (!r.matches()) {
                warn(a.key, "Supabase holds " + r.supabaseRows() + " rows for '" + a.spec.name()
                        + "' but Email Bison has " + r.bisonDistinctEmails() + " distinct interested emails (difference "
                        + r.difference() + ")");
            }
            return r;
        } catch (RuntimeException e) {
            warn(a.key, "rows written, but counting them failed: " + ErrorInfo.from(e).message());
            return null;
        }
    }

    /** Step 7 (and step 1): the client's checkpoint. */
    private void checkpoint(Attempt a, CheckpointStatus status, long rowsWritten, @Nullable Long highWater) {
        checkpoints.put(new ClientCheckpoint(a.key, a.runId, status, rowsWritten, clock.instant(), highWater));
    }

    private ClientReport failed(Attempt a, RuntimeException e) {
        LOG.debug("client {} failed", a.key, e);
        ErrorInfo error = ErrorInfo.from(e);
        if (!a.options.dryRun()) {
            try {
                checkpoint(a, CheckpointStatus.FAILED, a.write == null ? 0 : a.write.rowsWritten(), a.previousHighWater);
            } catch (RuntimeException cpe) {
                // The client already failed; its report says why. A stale IN_PROGRESS is re-run on resume.
                LOG.warn("cannot record the failure of {} in the checkpoint store: {}", a.key,
                        ErrorInfo.from(cpe).message());
            }
        }
        return ClientReport.failed(a.key, a.workspaceName, a.scan, a.dedup, a.write, elapsed(a), error);
    }

    private Duration elapsed(Attempt a) {
        return Duration.between(a.start, clock.instant());
    }

    private void warnAboutScan(Attempt a, ScanResult scan) {
        ClientKey key = a.key;
        if (scan.workspaceName() != null && !scan.workspaceName().equals(a.spec.name())) {
            warn(key, "Email Bison names workspace " + a.spec.workspaceId() + " '" + scan.workspaceName()
                    + "'; its rows are written under the plan's client name '" + a.spec.name() + "'");
        }
        if (scan.totalFell()) {
            warn(key, "replies vanished during both reads of the workspace (meta.total fell; " + scan.totalAtStart()
                    + " -> " + scan.totalAtEnd() + " on the second); the replies of both were kept, but one shifted"
                    + " onto a page already read in both may be missing until the next run");
        } else if (scan.drifted()) {
            warn(key, "replies changed during the scan (meta.total " + scan.totalAtStart() + " -> " + scan.totalAtEnd()
                    + "); a reply that arrived meanwhile may be picked up by the next run");
        }
        if (scan.violationsDetected() > 0) {
            warn(key, scan.violationsDetected() + " workspace-context violation(s) detected and "
                    + scan.violationsRecovered() + " recovered by re-reading: another actor is switching this user");
        }
        if (scan.fellBack()) {
            warn(key, "catch-up fell back to a full scan (every page read): " + scan.fallbackReason());
        }
    }

    private void warn(ClientKey key, String message) {
        listener.on(new ProgressEvent.ClientWarning(key, message, clock.instant()));
    }

    /**
     * The mark after a complete write: the highest reply id the scan read (its position in Email
     * Bison's newest-first list, see {@link ScanResult#highestReplyId()}), never below the previous
     * mark (ids only grow); unchanged when the scan saw no reply. Rows rejected by the dedup or by
     * the sink do not hold it back: they are listed in the report, and reading them again would
     * reject them again.
     */
    private static @Nullable Long highWater(@Nullable Long previous, ScanResult scan) {
        if (scan.highestReplyId() == 0) {
            return previous;
        }
        return previous == null ? scan.highestReplyId() : Math.max(previous, scan.highestReplyId());
    }
}
