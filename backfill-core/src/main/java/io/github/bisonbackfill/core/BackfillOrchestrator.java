package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.KeyMode;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.ScanOptions;
import io.github.bisonbackfill.bison.ScanResult;
import io.github.bisonbackfill.core.internal.Lanes;
import io.github.bisonbackfill.supabase.BatchProgress;
import io.github.bisonbackfill.supabase.Filter;
import io.github.bisonbackfill.supabase.Resolution;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.UpsertOptions;
import io.github.bisonbackfill.supabase.UpsertResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Copies the interested leads of many clients (Email Bison workspaces on one or more instances) into
 * the {@code client_leads} table: scan (workspace-safe {@link BisonClient}) → {@link LeadDedup} →
 * {@link ClientLeadMapper} → idempotent upsert ({@link SupabaseWriter}) → checkpoint, with progress
 * events, a JSON-serialisable {@link BackfillReport}, reconciliation and billing counts.
 *
 * <pre>{@code
 * BackfillOrchestrator orchestrator = BackfillOrchestrator.builder()
 *     .instance(bisonAlpha)                        // plans name it bisonAlpha.instanceName()
 *     .writer(supabaseWriter)
 *     .checkpointStore(CheckpointStore.file(Path.of("backfill-checkpoint.json")))
 *     .listener(ConsoleProgressRenderer.builder().build())
 *     .build();
 * BackfillPlan plan = BackfillPlan.of(new ClientSpec("Harbor Insurance", "alpha", 37));
 * BackfillReport report = orchestrator.run(plan);
 * BackfillReport again  = orchestrator.run(plan, RunOptions.builder().resume(true).build());
 * ReconciliationReport check = orchestrator.reconcile(plan);
 * }</pre>
 *
 * <p><b>Scheduling.</b> Instances run in parallel. Within an instance, clients are taken in plan
 * order in batches of {@link Builder#clientsPerBatch(int)} that are in flight together; a batch
 * ends before the next starts. Workspaces read with an api-user key are scanned concurrently, at
 * most {@link Builder#parallelScans(int)} at once per instance; workspaces read with the super-admin
 * key serialise on the client's session lock (one user has one current workspace), while the next
 * client's read overlaps the previous client's write.
 *
 * <p><b>Isolation.</b> Any {@link RuntimeException} of one client (bad or revoked key, an
 * unprovable workspace, a writer error, a checkpoint that cannot be written) makes that client
 * {@link ClientOutcome#FAILED} with the exception's type and redacted message; the others go on.
 * An {@link Error} (or a listener throwing one) stops the run: no further client starts, running
 * ones finish, and the error propagates; a resumed run continues from the checkpoints.
 *
 * <p><b>Done means done.</b> A client is {@link ClientOutcome#COMPLETED} (or
 * {@link ClientOutcome#COMPLETED_WITH_REJECTS}) only if every page was read (in a catch-up run:
 * every page down to its high-water mark minus the margin) and every unique lead was acknowledged
 * by Supabase or reported as rejected with a reason; only then is it marked completed in the
 * {@link CheckpointStore}, with its new high-water mark.
 *
 * <p><b>Catch-up.</b> {@link RunOptions.Builder#sinceLast(boolean)} reads each client only down
 * to its stored high-water mark, falling back to a full scan where the reply order does not hold;
 * {@link ScanStats#mode()} reports which. The full run stays the reconciliation of record.
 *
 * <p>Immutable and thread-safe once built. It does not own the clients, the writer or the store:
 * close those yourself.
 */
public final class BackfillOrchestrator {
    private static final Logger LOG = LoggerFactory.getLogger(BackfillOrchestrator.class);

    /** Default destination table: {@value ClientLeadsSchema#TABLE}. */
    public static final String DEFAULT_TABLE = ClientLeadsSchema.TABLE;

    /**
     * Default clients of one instance in flight at once: 6, the production procedure's batch size.
     * Each in-flight client holds its replies and rows in memory (a few MB for thousands of leads),
     * so the batch bounds memory too; with super-admin keys a batch is what lets one client's write
     * overlap the next client's read, which needs only 2, and 6 leaves room for api-user keys.
     */
    public static final int DEFAULT_CLIENTS_PER_BATCH = 6;

    /**
     * Default api-user-key workspaces of one instance scanned at once: 3. Such reads need no switch
     * and no lock, so they may run in parallel; each key is already limited by the
     * {@link BisonClient} (10 requests/s, 4 pages at once by default), and Email Bison publishes no
     * instance-wide limit (third-party claims: 100–3,000 requests/minute). Three keys at the default
     * rate stay under 1,800 requests/minute, the middle of those claims; a stricter server answers
     * 429, which the client honours, so a lower value only matters for politeness.
     */
    public static final int DEFAULT_PARALLEL_SCANS = 3;

    /**
     * Default pause between two client starts on one instance: none. The production procedure slept
     * 10 s between clients (and 2 s after each switch) in the hope that the workspace context had
     * settled; here the safety comes from the {@link BisonClient}'s session lock, its verified switch
     * (with its own settle delay, paid once per switch) and its page fences, which prove every page
     * belongs to the workspace asked for. A sleep adds nothing to correctness; set one only to spread
     * load on a busy instance.
     */
    public static final Duration DEFAULT_DELAY_BETWEEN_CLIENTS = Duration.ZERO;

    /** Default pause between two batches of one instance: none, for the reason given at {@link #DEFAULT_DELAY_BETWEEN_CLIENTS}. */
    public static final Duration DEFAULT_DELAY_BETWEEN_BATCHES = Duration.ZERO;

    /**
     * Default for fetching Email Bison's {@code interested} statistic in {@link #reconcile} and
     * {@link #billing}: {@code true}. It is informational (it counts replies, not leads) and costs one
     * call per client and window, plus a workspace switch under a super-admin key.
     */
    public static final boolean DEFAULT_BISON_STATS = true;

    /**
     * Default rounds in which a run attempts its transiently failed clients again: 2. A client that
     * failed for a transient cause (I/O, 5xx or 429 after the client's retries, a super-admin context
     * that could not be proven) is attempted again after the others, up to this many times; a
     * permanent cause (401/403, a missing workspace or table, a configuration error) is not. Under the
     * production fault mix, one round was enough in every measured run (docs/benchmarks.md); the
     * second covers an outage that outlasts the pause.
     */
    public static final int DEFAULT_CLIENT_RETRY_ROUNDS = 2;

    /**
     * Default pause before each retry round: 15 s, longer than a typical burst of 5xx or a person
     * clicking through a few workspaces, short against a run of many clients.
     */
    public static final Duration DEFAULT_CLIENT_RETRY_PAUSE = Duration.ofSeconds(15);

    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Rows mapped and passed to one {@link SupabaseWriter#upsert} call: bounds a client's rows in
     * memory (one chunk at a time) while keeping the writer's concurrent batches busy (20 batches of
     * the default 500); the rows of a client are unique by conflict key, so chunks never overlap.
     */
    static final int DEFAULT_WRITE_CHUNK_ROWS = 10_000;

    private final Map<String, InstanceBinding> instances;
    private final SupabaseWriter writer;
    private final String table;
    private final int clientsPerBatch;
    private final int parallelScans;
    private final Duration delayBetweenClients;
    private final Duration delayBetweenBatches;
    private final CheckpointStore checkpoints;
    private final ProgressListener listener;
    private final Clock clock;
    private final ClientLeadMapper mapper;
    private final boolean bisonStats;
    private final int writeChunkRows;
    private final int clientRetryRounds;
    private final Duration clientRetryPause;

    private record InstanceBinding(String name, BisonClient client, URI baseUrl) {
    }

    private BackfillOrchestrator(Builder b) {
        this.instances = Map.copyOf(b.instances);
        this.writer = b.writer;
        this.table = b.table;
        this.clientsPerBatch = b.clientsPerBatch;
        this.parallelScans = b.parallelScans;
        this.delayBetweenClients = b.delayBetweenClients;
        this.delayBetweenBatches = b.delayBetweenBatches;
        this.checkpoints = b.checkpoints != null ? b.checkpoints : CheckpointStore.inMemory();
        this.listener = ProgressListener.composite(b.listeners);
        this.clock = b.clock;
        this.mapper = ClientLeadMapper.builder().clock(b.clock).build();
        this.bisonStats = b.bisonStats;
        this.writeChunkRows = b.writeChunkRows;
        this.clientRetryRounds = b.clientRetryRounds;
        this.clientRetryPause = b.clientRetryPause;
    }

    /** A builder; {@link Builder#instance} (at least one) and {@link Builder#writer} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The checkpoint store this orchestrator records into (the in-memory default if none was set). */
    public CheckpointStore checkpointStore() {
        return checkpoints;
    }

    // ---------------------------------------------------------------------------------- run

    /**
     * Backfills every client of the plan: {@code run(plan, RunOptions.defaults())}.
     *
     * @param plan the clients
     * @return the report, one entry per client in plan order
     * @throws IllegalArgumentException if a client names an unknown instance
     * @throws CheckpointException      if the checkpoint store cannot start the run
     */
    public BackfillReport run(BackfillPlan plan) {
        return run(plan, RunOptions.defaults());
    }

    /**
     * Backfills the plan's clients (all, or those selected in {@code options}).
     *
     * <p>Run ids: a full run that does not resume starts a fresh run id in the checkpoint store
     * ({@link CheckpointStore#beginRun}); {@link RunOptions#resume()} reuses the store's current run
     * and skips clients completed in it; a run of selected clients joins the current run (or starts
     * one if there is none), so re-running a failed client completes the run it belongs to. A dry
     * run never writes to the store. A {@link RunOptions#sinceLast() since-last} (catch-up) run is a
     * new pass: a fresh run id that does not become the store's current run, every selected client
     * read whatever its status (from its high-water mark where it has one), so an interrupted full run
     * can still be resumed after it.
     *
     * @param plan    the clients
     * @param options selection, dry run, resume, billing window
     * @return the report, one entry per selected client in plan order
     * @throws IllegalArgumentException if a client names an unknown instance, or a selected name is
     *                                  not in the plan
     * @throws CheckpointException      if the checkpoint store cannot start the run
     */
    public BackfillReport run(BackfillPlan plan, RunOptions options) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(options, "options");
        validate(plan);
        BackfillPlan selected = options.clients().isEmpty() ? plan : plan.only(options.clients());
        Instant startedAt = clock.instant();
        // A catch-up is a pass of its own: a fresh id, never the current run's, and it does not become
        // the current run, so an interrupted full run stays resumable (RunOptions refuses resume + sinceLast).
        Optional<String> current = !options.sinceLast() && (options.resume() || !options.clients().isEmpty())
                ? checkpoints.currentRunId() : Optional.empty();
        boolean resumed = options.resume() && current.isPresent();
        String runId = current.orElseGet(() -> newRunId(startedAt));
        if (current.isEmpty() && !options.dryRun() && !options.sinceLast()) {
            checkpoints.beginRun(runId);
        }
        List<ClientSpec> clients = selected.clients();
        int of = clients.size();
        listener.on(new ProgressEvent.RunStarted(runId, of, options.dryRun(), resumed, clock.instant()));

        List<ClientSpec> toRun = new ArrayList<>();
        Map<ClientSpec, ClientReport> skipped = new LinkedHashMap<>();
        for (ClientSpec c : clients) {
            Optional<ClientCheckpoint> cp = resumed ? checkpoints.get(c.key()) : Optional.empty();
            if (cp.isPresent() && cp.get().completedIn(runId)) {
                skipped.put(c, new ClientReport(c.key(), null, ClientOutcome.SKIPPED_ALREADY_DONE, null, null, null,
                        null, null, Duration.ZERO, null));
            } else {
                toRun.add(c);
            }
        }
        for (ClientSpec c : skipped.keySet()) {
            listener.on(new ProgressEvent.ClientFinished(skipped.get(c), clients.indexOf(c) + 1, of,
                    clock.instant()));
        }
        toRun = largestFirst(toRun);
        List<ClientReport> ran = withRetryRounds("backfill", toRun,
                (client, index, lane) -> inMdc(runId, client,
                        () -> runClient(client, clients.indexOf(client) + 1, of, lane, runId, options)),
                client -> new ClientReport(client.key(), null, ClientOutcome.NOT_RUN, null, null, null, null, null,
                        Duration.ZERO, null),
                ClientReport::error, ClientReport::followedBy);
        List<ClientReport> reports = new ArrayList<>(of);
        for (ClientSpec c : clients) {
            ClientReport r = skipped.get(c);
            reports.add(r != null ? r : ran.get(toRun.indexOf(c)));
        }
        BackfillReport report = new BackfillReport(runId, startedAt, clock.instant(), options.dryRun(), reports);
        listener.on(new ProgressEvent.RunFinished(report, clock.instant()));
        return report;
    }

    /** MDC key of the run id, set around each client's work (with {@link #MDC_INSTANCE} and {@link #MDC_CLIENT}). */
    public static final String MDC_RUN_ID = "runId";
    /** MDC key of the client's instance name. */
    public static final String MDC_INSTANCE = "instance";
    /** MDC key of the client's name. */
    public static final String MDC_CLIENT = "client";

    /**
     * Runs one client's work with the MDC keys {@value #MDC_RUN_ID}, {@value #MDC_INSTANCE} and
     * {@value #MDC_CLIENT} set on the worker thread (so log lines of clients read in parallel can be
     * told apart), restoring what the thread had before.
     */
    private static <T> T inMdc(String runId, ClientSpec spec, java.util.function.Supplier<T> work) {
        Map<String, String> before = MDC.getCopyOfContextMap();
        MDC.put(MDC_RUN_ID, runId);
        MDC.put(MDC_INSTANCE, spec.instance());
        MDC.put(MDC_CLIENT, spec.name());
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

    private ClientReport runClient(ClientSpec spec, int index, int of, Lanes.Lane lane, String runId, RunOptions options) {
        ClientKey key = spec.key();
        InstanceBinding inst = instances.get(spec.instance());
        boolean dryRun = options.dryRun();
        Instant start = clock.instant();
        listener.on(new ProgressEvent.ClientStarted(key, index, of, start));
        Long previousHighWater = null;
        String workspaceName = null;
        ScanStats scanStats = null;
        DedupStats dedupStats = null;
        WriteStats writeStats = null;
        ClientReport report;
        try {
            if (!dryRun || options.sinceLast()) {
                previousHighWater = checkpoints.get(key).map(ClientCheckpoint::highWaterReplyId).orElse(null);
            }
            if (!dryRun) {
                checkpoints.put(new ClientCheckpoint(key, runId, CheckpointStatus.IN_PROGRESS, 0, clock.instant(),
                        previousHighWater));
            }
            ScanOptions.Builder scanOptions = ScanOptions.builder();
            String fullScanReason = null;
            if (options.sinceLast()) {
                if (previousHighWater != null) {
                    scanOptions.catchUp(previousHighWater, options.catchUpMargin());
                } else {
                    fullScanReason = "since-last run: no high-water mark stored for this client (it has not"
                            + " completed a run yet), so every page was read";
                }
            }
            ScanResult scan = scan(spec, lane, scanOptions, true);
            if (scan.totalFell()) {
                scan = readAgainAndMerge(key, spec, lane, scanOptions, scan);
            }
            workspaceName = scan.workspaceName();
            scanStats = ScanStats.from(scan, scanOptions.build(), fullScanReason);
            warnAboutScan(key, spec, scan);
            LeadDedupResult dedup = LeadDedup.apply(scan.replies());
            dedupStats = DedupStats.from(dedup);
            BillingWindow window = options.billing().orElse(null);
            long windowReplies = window == null ? 0 : window.countReplies(scan.replies());
            long windowLeads = window == null ? 0 : window.countLeads(dedup.leads());
            boolean fullScan = scan.fullScan();
            Long newHighWater = highWater(previousHighWater, scan);
            SourceWorkspace source = new SourceWorkspace(scan.instance(), inst.baseUrl(), spec.workspaceId(), spec.name());
            // From here only the winners (dedup.leads()) are needed: drop the scan so that the replies
            // that lost the dedup can be collected before rows are built (memory, docs/benchmarks.md).
            scan = null;
            if (dryRun) {
                BillingCounts billing = window == null ? null
                        : new BillingCounts(window, windowReplies, windowLeads, null, null);
                report = new ClientReport(key, workspaceName, ClientOutcome.DRY_RUN, scanStats, dedupStats, null, null,
                        billing, Duration.between(start, clock.instant()), null);
            } else {
                AtomicReference<UpsertResult> written = new AtomicReference<>();
                try {
                    write(key, dedup.leads(), source, written);
                } finally {
                    // On a failure, the rows of the chunks already acknowledged are reported (and stay written).
                    writeStats = written.get() == null ? null : WriteStats.from(written.get());
                }
                if (!writeStats.complete()) {
                    throw new BackfillException("write of " + key + " is incomplete: " + writeStats.rowsSubmitted()
                            + " rows submitted, " + writeStats.rowsWritten() + " acknowledged, "
                            + writeStats.rejects().size() + " rejected, " + writeStats.duplicatesDropped()
                            + " dropped as duplicates; run the client again");
                }
                long sent = writeStats.rowsSubmitted() - writeStats.duplicatesDropped();
                if (sent > 1 && writeStats.rowsWritten() == 0 && writeStats.rejects().size() == sent) {
                    // Every row refused is a table-wide problem (a new NOT NULL column, a blocking trigger,
                    // a policy), not bad rows: the client is not done, and its mark must not move.
                    throw new BackfillException("Supabase refused every one of the " + sent + " rows of " + key
                            + " (first: " + writeStats.rejects().get(0).error().code() + " " + writeStats.rejects().get(0).error().message()
                            + "); this is a problem of the table, not of the rows: fix it and run the client again");
                }
                // Only a scan of every page knows the workspace's distinct emails; after a catch-up that
                // stopped early, reconcile() (a full scan) is the comparison.
                Reconciliation reconciliation = fullScan ? countAfterWrite(key, spec, dedup) : null;
                BillingCounts billing = window == null ? null
                        : billingCounts(spec, windowReplies, windowLeads, window, false);
                ClientOutcome outcome = dedupStats.rejected() + writeStats.rejects().size() == 0
                        ? ClientOutcome.COMPLETED : ClientOutcome.COMPLETED_WITH_REJECTS;
                checkpoints.put(new ClientCheckpoint(key, runId, CheckpointStatus.COMPLETED, writeStats.rowsWritten(),
                        clock.instant(), newHighWater));
                report = new ClientReport(key, workspaceName, outcome, scanStats, dedupStats, writeStats, reconciliation,
                        billing, Duration.between(start, clock.instant()), null);
            }
        } catch (RuntimeException e) {
            LOG.debug("client {} failed", key, e);
            ErrorInfo error = ErrorInfo.from(e);
            if (!dryRun) {
                try {
                    checkpoints.put(new ClientCheckpoint(key, runId, CheckpointStatus.FAILED,
                            writeStats == null ? 0 : writeStats.rowsWritten(), clock.instant(), previousHighWater));
                } catch (RuntimeException cpe) {
                    // The client already failed; its report says why. A stale IN_PROGRESS is re-run on resume.
                    LOG.warn("cannot record the failure of {} in the checkpoint store: {}", key, ErrorInfo.from(cpe).message());
                }
            }
            report = new ClientReport(key, workspaceName, ClientOutcome.FAILED, scanStats, dedupStats, writeStats, null,
                    null, Duration.between(start, clock.instant()), error);
        }
        listener.on(new ProgressEvent.ClientFinished(report, index, of, clock.instant()));
        return report;
    }

    private ScanResult scan(ClientSpec spec, Lanes.Lane lane, ScanOptions.Builder options, boolean withProgress) {
        BisonClient client = instances.get(spec.instance()).client();
        ClientKey key = spec.key();
        if (withProgress) {
            AtomicInteger interested = new AtomicInteger();
            options.listener(p -> listener.on(new ProgressEvent.PageRead(key, p.page(), p.lastPage(),
                    interested.addAndGet(p.interestedOnPage()), clock.instant())));
        }
        if (client.keyModeFor(spec.workspaceId()) == KeyMode.SUPER_ADMIN_SWITCHING) {
            // Serialised by the client's session lock; a permit here would only idle api-key lanes.
            return client.scanInterestedReplies(spec.workspaceId(), options.build());
        }
        Semaphore permits = lane.scanPermits();
        permits.acquireUninterruptibly();
        try {
            return client.scanInterestedReplies(spec.workspaceId(), options.build());
        } finally {
            permits.release();
        }
    }

    /**
     * A scan whose {@code meta.total} fell may have missed a reply: one that vanished shifts a later
     * reply onto a page already read. Reads the workspace once more and keeps every reply either pass
     * saw (a reply is missed now only if shifted past in both passes). The merged result counts both
     * passes; its totals and drift are the second pass's, which is warned about if its total fell too.
     */
    private ScanResult readAgainAndMerge(ClientKey key, ClientSpec spec, Lanes.Lane lane, ScanOptions.Builder options,
                                         ScanResult first) {
        LOG.debug("{}: meta.total moved {} -> {} during the scan; reading the workspace again", key,
                first.totalAtStart(), first.totalAtEnd());
        ScanResult second = scan(spec, lane, options, false);
        Map<Long, Reply> union = new LinkedHashMap<>();
        for (Reply r : first.replies()) {
            union.put(r.id(), r);
        }
        for (Reply r : second.replies()) {
            union.putIfAbsent(r.id(), r);
        }
        return new ScanResult(second.instance(), second.workspaceId(), second.workspaceName(), second.keyMode(),
                new ArrayList<>(union.values()), first.pagesRead() + second.pagesRead(),
                first.repliesSeen() + second.repliesSeen(), second.totalAtStart(), second.totalAtEnd(),
                first.violationsDetected() + second.violationsDetected(),
                first.violationsRecovered() + second.violationsRecovered(), first.fullScan() && second.fullScan(),
                first.duration().plus(second.duration()), Math.max(first.highestReplyId(), second.highestReplyId()),
                second.fallbackReason() != null ? second.fallbackReason() : first.fallbackReason(),
                second.totalFell());
    }

    private void warnAboutScan(ClientKey key, ClientSpec spec, ScanResult scan) {
        if (scan.workspaceName() != null && !scan.workspaceName().equals(spec.name())) {
            warn(key, "Email Bison names workspace " + spec.workspaceId() + " '" + scan.workspaceName()
                    + "'; its rows are written under the plan's client name '" + spec.name() + "'");
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

    /**
     * Maps and writes the leads {@code writeChunkRows} ({@link #DEFAULT_WRITE_CHUNK_ROWS}) at a time, so
     * that only one chunk's rows (and the writer's JSON of them) are in memory besides the leads; each
     * chunk's result is added to {@code written} as soon as it returns.
     */
    private void write(ClientKey key, List<UniqueLead> leads, SourceWorkspace source,
                       AtomicReference<UpsertResult> written) {
        AtomicInteger batch = new AtomicInteger();
        AtomicLong acknowledged = new AtomicLong();
        UpsertOptions options = UpsertOptions.builder()
                .onConflict(ClientLeadsSchema.CONFLICT_COLUMNS.toArray(String[]::new))
                .resolution(Resolution.MERGE_DUPLICATES)
                .listener((BatchProgress p) -> listener.on(new ProgressEvent.BatchWritten(key,
                        batch.incrementAndGet(), p.batchRows(), acknowledged.addAndGet(p.acknowledged()), leads.size(),
                        clock.instant())))
                .build();
        for (int from = 0; from < leads.size() || from == 0; from += writeChunkRows) {
            List<ClientLeadRow> rows = mapper.mapAll(leads.subList(from, Math.min(leads.size(), from + writeChunkRows)),
                    source);
            UpsertResult r = writer.upsert(table, rows, options);
            written.accumulateAndGet(r, (a, b) -> a == null ? b : a.plus(b));
        }
    }

    private Reconciliation countAfterWrite(ClientKey key, ClientSpec spec, LeadDedupResult dedup) {
        try {
            Reconciliation r = new Reconciliation(dedup.leads().size(), countRows(spec.name()), null);
            if (!r.matches()) {
                warn(key, "Supabase holds " + r.supabaseRows() + " rows for '" + spec.name() + "' but Email Bison has "
                        + r.bisonDistinctEmails() + " distinct interested emails (difference " + r.difference() + ")");
            }
            return r;
        } catch (RuntimeException e) {
            warn(key, "rows written, but counting them failed: " + ErrorInfo.from(e).message());
            return null;
        }
    }

    /**
     * The mark after a complete write: the highest reply id the scan read (its position in Email
     * Bison's newest-first list, see {@link ScanResult#highestReplyId()}), never below the previous
     * mark (ids only grow); unchanged when the scan saw no reply. Rows rejected by the dedup or by
     * Supabase do not hold it back: they are listed in the report, and reading them again would
     * reject them again.
     */
    private static Long highWater(Long previous, ScanResult scan) {
        if (scan.highestReplyId() == 0) {
            return previous;
        }
        return previous == null ? scan.highestReplyId() : Math.max(previous, scan.highestReplyId());
    }

    // ---------------------------------------------------------------------------- reconcile

    /**
     * Compares, per client, the distinct normalised interested emails in Email Bison (a fresh scan
     * through the same workspace-safe client, deduplicated with {@link LeadDedup}) with the rows in
     * Supabase whose {@code workspace_name} is the client's name (exact count). Zero tolerance:
     * {@link Reconciliation#matches()} only when equal. Email Bison's own {@code interested}
     * statistic (replies, not leads) is added when {@link Builder#bisonStats(boolean)} is on, over the
     * days from the earliest interested reply to today. A client that cannot be compared is listed
     * with its error; the others go on. Writes nothing.
     *
     * @param plan the clients
     * @return per client, in plan order
     * @throws IllegalArgumentException if a client names an unknown instance
     */
    public ReconciliationReport reconcile(BackfillPlan plan) {
        Objects.requireNonNull(plan, "plan");
        validate(plan);
        Instant checkedAt = clock.instant();
        List<ClientReconciliation> out = withRetryRounds("reconciliation", plan.clients(), (spec, index, lane) -> {
            try {
                ScanResult scan = scan(spec, lane, ScanOptions.builder(), false);
                LeadDedupResult dedup = LeadDedup.apply(scan.replies());
                long rows = countRows(spec.name());
                Long stat = null;
                if (bisonStats) {
                    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
                    LocalDate first = scan.replies().stream().map(Reply::dateReceived).filter(Objects::nonNull)
                            .min(Comparator.naturalOrder()).map(t -> LocalDate.ofInstant(t, ZoneOffset.UTC))
                            .orElse(today);
                    // One day of margin each side: the zone of Email Bison's stats dates is undocumented.
                    stat = interestedStat(spec, first.minusDays(1), today.plusDays(1));
                }
                return new ClientReconciliation(spec.key(), scan.workspaceName(),
                        new Reconciliation(dedup.leads().size(), rows, stat), null);
            } catch (RuntimeException e) {
                return new ClientReconciliation(spec.key(), null, null, ErrorInfo.from(e));
            }
        }, spec -> new ClientReconciliation(spec.key(), null, null,
                new ErrorInfo(InterruptedException.class.getName(), "not reached: the check was interrupted")),
                ClientReconciliation::error, (earlier, later) -> later);
        return new ReconciliationReport(checkedAt, out);
    }

    // ------------------------------------------------------------------------------ billing

    /**
     * Billing counts of a calendar month in an IANA zone: the whole month, plus the month to date
     * (up to this orchestrator's clock) when the clock is inside that month.
     *
     * @param plan  the clients
     * @param month the month
     * @param zone  the zone its days are reckoned in, e.g. {@code America/Los_Angeles}
     * @return per client and window
     * @throws IllegalArgumentException if a client names an unknown instance
     */
    public BillingReport billing(BackfillPlan plan, YearMonth month, ZoneId zone) {
        Objects.requireNonNull(month, "month");
        Objects.requireNonNull(zone, "zone");
        BillingWindow whole = BillingWindow.month(month, zone);
        Instant now = clock.instant();
        if (YearMonth.from(now.atZone(zone)).equals(month)) {
            return billing(plan, List.of(whole, BillingWindow.monthToDate(now, zone)));
        }
        return billing(plan, List.of(whole));
    }

    /**
     * Counts interested leads per client in each half-open window {@code [start, end)}: Supabase rows
     * with {@code date_received} inside (exact count with {@code gte}/{@code lt} filters), and from a
     * fresh Email Bison scan the interested replies and the unique leads whose winning reply falls
     * inside (the same rule as the rows). Email Bison's {@code interested} statistic for the window's
     * local days is added when {@link Builder#bisonStats(boolean)} is on (its own zone is
     * undocumented, so it may differ near the boundaries). Writes nothing.
     *
     * @param plan    the clients
     * @param windows the windows, at least one
     * @return per client and window
     * @throws IllegalArgumentException if {@code windows} is empty or a client names an unknown instance
     */
    public BillingReport billing(BackfillPlan plan, List<BillingWindow> windows) {
        Objects.requireNonNull(plan, "plan");
        List<BillingWindow> ws = List.copyOf(windows);
        if (ws.isEmpty()) {
            throw new IllegalArgumentException("billing needs at least one window");
        }
        validate(plan);
        List<ClientBilling> out = withRetryRounds("billing count", plan.clients(), (spec, index, lane) -> {
            try {
                ScanResult scan = scan(spec, lane, ScanOptions.builder(), false);
                LeadDedupResult dedup = LeadDedup.apply(scan.replies());
                List<BillingCounts> counts = new ArrayList<>(ws.size());
                for (BillingWindow w : ws) {
                    counts.add(billingCounts(spec, w.countReplies(scan.replies()), w.countLeads(dedup.leads()), w, bisonStats));
                }
                return new ClientBilling(spec.key(), counts, null);
            } catch (RuntimeException e) {
                return new ClientBilling(spec.key(), List.of(), ErrorInfo.from(e));
            }
        }, spec -> new ClientBilling(spec.key(), List.of(),
                new ErrorInfo(InterruptedException.class.getName(), "not reached: the count was interrupted")),
                ClientBilling::error, (earlier, later) -> later);
        return new BillingReport(ws, out);
    }

    private BillingCounts billingCounts(ClientSpec spec, long windowReplies, long windowLeads, BillingWindow w,
                                        boolean withStat) {
        long rows = writer.count(table, Filter.eq("workspace_name", spec.name()), Filter.gte("date_received", w.start()),
                Filter.lt("date_received", w.end()));
        Long stat = withStat ? interestedStat(spec, w.firstDay(), w.lastDay()) : null;
        return new BillingCounts(w, windowReplies, windowLeads, rows, stat);
    }

    private Long interestedStat(ClientSpec spec, LocalDate first, LocalDate last) {
        try {
            return instances.get(spec.instance()).client().stats(spec.workspaceId(), first, last).interested();
        } catch (RuntimeException e) {
            // Informational only: the comparison stands without it.
            LOG.warn("Email Bison stats of {} for {}..{} unavailable: {}", spec.key(), first, last,
                    ErrorInfo.from(e).message());
            return null;
        }
    }

    // ------------------------------------------------------------------------------ helpers

    private long countRows(String workspaceName) {
        return writer.count(table, Filter.eq("workspace_name", workspaceName));
    }

    /**
     * Orders clients largest first ("longest processing time first"): with several api-user-key
     * scans at once, a large client started last would run alone at the end while the rate limit has
     * room (measured in docs/benchmarks.md). The size is the rows the client's last completed pass
     * wrote (checkpoint store); without one, an api-user-key client's size is asked of Email Bison
     * ({@link BisonClient#interestedTotal}: one request, several at once; the key check it makes is
     * the scan's anyway). Clients of unknown size (super-admin keys, whose scans are serialised by
     * the session lock anyway, or a failed size request) come first, in plan order, since they may be
     * large. Stable; the report keeps plan order.
     */
    private List<ClientSpec> largestFirst(List<ClientSpec> clients) {
        Map<ClientSpec, Long> rows = new LinkedHashMap<>();
        List<ClientSpec> unknown = new ArrayList<>();
        for (ClientSpec c : clients) {
            Optional<Long> done = checkpoints.get(c.key()).filter(cp -> cp.status() == CheckpointStatus.COMPLETED)
                    .map(ClientCheckpoint::rowsWritten);
            rows.put(c, done.orElse(Long.MAX_VALUE));
            if (done.isEmpty() && instances.get(c.instance()).client().keyModeFor(c.workspaceId()).isApiUserKey()) {
                unknown.add(c);
            }
        }
        if (unknown.size() > 1) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(unknown.size(), parallelScans * instances.size()),
                    r -> {
                        Thread t = new Thread(r, "bison-backfill-sizes");
                        t.setDaemon(true);
                        return t;
                    });
            try {
                Map<ClientSpec, Future<Long>> sizes = new LinkedHashMap<>();
                for (ClientSpec c : unknown) {
                    sizes.put(c, pool.submit(() -> instances.get(c.instance()).client().interestedTotal(c.workspaceId())));
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
        List<ClientSpec> ordered = new ArrayList<>(clients);
        ordered.sort(Comparator.comparing(rows::get, Comparator.reverseOrder()));
        return ordered;
    }

    /**
     * Runs the clients through the lanes, then, up to {@link Builder#clientRetryRounds} times and
     * after {@link Builder#clientRetryPause}, again those whose result is a transient failure (after
     * the others, so a contended session or an outage has had time to pass).
     *
     * @param what    what is being done, for the log
     * @param clients the clients, in the order to start them
     * @param task    one attempt of one client
     * @param notRun  the result of a client the lanes did not reach
     * @param failure the error of a result, or {@code null} when it succeeded
     * @param merge   combines a client's earlier result with its result of a later attempt
     * @return one result per client, in {@code clients} order
     */
    private <R> List<R> withRetryRounds(String what, List<ClientSpec> clients, Lanes.Task<R> task,
                                        Function<ClientSpec, R> notRun, Function<R, ErrorInfo> failure,
                                        BinaryOperator<R> merge) {
        List<R> results = new ArrayList<>(lanes().run(clients, task, notRun));
        for (int round = 1; round <= clientRetryRounds; round++) {
            List<ClientSpec> again = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                ErrorInfo error = failure.apply(results.get(i));
                if (error != null && error.transientFailure()) {
                    again.add(clients.get(i));
                }
            }
            if (again.isEmpty()) {
                break;
            }
            LOG.info("{}: attempting {} client(s) again after a transient failure (round {}/{}, in {} s): {}", what,
                    again.size(), round, clientRetryRounds, clientRetryPause.toSeconds(),
                    again.stream().map(c -> c.key().toString()).toList());
            if (!pause(clientRetryPause)) {
                break;
            }
            List<R> retried = lanes().run(again, task, notRun);
            for (int k = 0; k < again.size(); k++) {
                int i = clients.indexOf(again.get(k));
                results.set(i, merge.apply(results.get(i), retried.get(k)));
            }
        }
        return results;
    }

    /** Sleeps; returns {@code false} (interrupt flag kept) when interrupted. */
    private static boolean pause(Duration d) {
        if (d.isZero()) {
            return true;
        }
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Lanes lanes() {
        return new Lanes(clientsPerBatch, parallelScans, delayBetweenClients, delayBetweenBatches);
    }

    private void warn(ClientKey key, String message) {
        listener.on(new ProgressEvent.ClientWarning(key, message, clock.instant()));
    }

    private void validate(BackfillPlan plan) {
        List<String> problems = new ArrayList<>();
        for (ClientSpec c : plan.clients()) {
            if (!instances.containsKey(c.instance())) {
                problems.add("client '" + c.name() + "' names unknown instance '" + c.instance() + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid backfill plan: " + String.join("; ", problems)
                    + " (configured instances: " + new TreeSet<>(instances.keySet()) + ")");
        }
    }

    private static String newRunId(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS) + "-" + String.format(Locale.ROOT, "%04x", RANDOM.nextInt(0x10000));
    }

    @Override
    public String toString() {
        return "BackfillOrchestrator[instances=" + new TreeSet<>(instances.keySet()) + ", table=" + table
                + ", clientsPerBatch=" + clientsPerBatch + ", parallelScans=" + parallelScans + ", checkpoints="
                + checkpoints + "]";
    }

    // ------------------------------------------------------------------------------ builder

    /** Mutable builder of {@link BackfillOrchestrator}; not thread-safe. */
    public static final class Builder {
        private final Map<String, InstanceBinding> instances = new LinkedHashMap<>();
        private SupabaseWriter writer;
        private String table = DEFAULT_TABLE;
        private int clientsPerBatch = DEFAULT_CLIENTS_PER_BATCH;
        private int parallelScans = DEFAULT_PARALLEL_SCANS;
        private Duration delayBetweenClients = DEFAULT_DELAY_BETWEEN_CLIENTS;
        private Duration delayBetweenBatches = DEFAULT_DELAY_BETWEEN_BATCHES;
        private CheckpointStore checkpoints;
        private final List<ProgressListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private boolean bisonStats = DEFAULT_BISON_STATS;
        private int writeChunkRows = DEFAULT_WRITE_CHUNK_ROWS;
        private int clientRetryRounds = DEFAULT_CLIENT_RETRY_ROUNDS;
        private Duration clientRetryPause = DEFAULT_CLIENT_RETRY_PAUSE;

        private Builder() {
        }

        /** Rows per writer call (tests use small chunks to cross chunk boundaries with little data). */
        Builder writeChunkRows(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("writeChunkRows must be at least 1, got " + rows);
            }
            this.writeChunkRows = rows;
            return this;
        }

        /** Registers {@code client} under {@code name}; see {@link #instance(BisonClient)}. */
        private Builder register(String name, BisonClient client, String baseUrl) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(baseUrl, "baseUrl");
            if (instances.containsKey(name)) {
                throw new IllegalArgumentException("instance '" + name + "' is registered twice");
            }
            URI uri;
            try {
                uri = URI.create(baseUrl.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("baseUrl of instance '" + name + "' is not a URL: " + e.getMessage(), e);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                throw new IllegalArgumentException("baseUrl of instance '" + name
                        + "' must be an absolute http(s) URL with a host, got: " + uri.getScheme() + "://" + uri.getHost());
            }
            instances.put(name, new InstanceBinding(name, client, uri));
            return this;
        }

        /**
         * Registers an Email Bison instance (required, at least one). Plans refer to it by
         * {@code client.instanceName()}, which is also written to {@code bison_instance} (part of a
         * unique key, so keep it stable across runs); {@code client.baseUrl()} makes the
         * {@code bison_conversation_url} inbox links.
         *
         * @param client the instance's client (not closed by the orchestrator)
         * @return this builder
         * @throws IllegalArgumentException if an instance of that name is registered already
         */
        public Builder instance(BisonClient client) {
            Objects.requireNonNull(client, "client");
            return register(client.instanceName(), client, client.baseUrl());
        }

        /**
         * The Supabase writer (required; not closed by the orchestrator).
         *
         * @param writer the writer
         * @return this builder
         */
        public Builder writer(SupabaseWriter writer) {
            this.writer = Objects.requireNonNull(writer, "writer");
            return this;
        }

        /**
         * The destination table; default {@link #DEFAULT_TABLE}. It must have the
         * {@code client_leads} schema ({@link ClientLeadsSchema#sql(String)}).
         *
         * @param table the table name
         * @return this builder
         * @throws IllegalArgumentException if blank
         */
        public Builder table(String table) {
            if (Objects.requireNonNull(table, "table").isBlank()) {
                throw new IllegalArgumentException("table must not be blank");
            }
            this.table = table;
            return this;
        }

        /**
         * Clients of one instance in flight at once; default {@link #DEFAULT_CLIENTS_PER_BATCH}.
         *
         * @param clients at least 1
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder clientsPerBatch(int clients) {
            if (clients < 1) {
                throw new IllegalArgumentException("clientsPerBatch must be at least 1, got " + clients);
            }
            this.clientsPerBatch = clients;
            return this;
        }

        /**
         * Api-user-key workspaces of one instance scanned at once; default
         * {@link #DEFAULT_PARALLEL_SCANS}. Super-admin scans serialise on the session lock regardless.
         *
         * @param scans at least 1
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder parallelScans(int scans) {
            if (scans < 1) {
                throw new IllegalArgumentException("parallelScans must be at least 1, got " + scans);
            }
            this.parallelScans = scans;
            return this;
        }

        /**
         * Pause between two client starts on one instance; default
         * {@link #DEFAULT_DELAY_BETWEEN_CLIENTS} (none: correctness does not depend on it).
         *
         * @param delay zero or positive
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder delayBetweenClients(Duration delay) {
            this.delayBetweenClients = nonNegative(delay, "delayBetweenClients");
            return this;
        }

        /**
         * Pause between two batches of one instance; default {@link #DEFAULT_DELAY_BETWEEN_BATCHES}.
         *
         * @param delay zero or positive
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder delayBetweenBatches(Duration delay) {
            this.delayBetweenBatches = nonNegative(delay, "delayBetweenBatches");
            return this;
        }

        /**
         * Where client progress is recorded for resuming. Default: {@link CheckpointStore#inMemory()},
         * one per orchestrator: resuming works within the process, and the library writes no file
         * unasked. Use {@link CheckpointStore#file(java.nio.file.Path)} to survive a crash.
         *
         * @param store the store
         * @return this builder
         */
        public Builder checkpointStore(CheckpointStore store) {
            this.checkpoints = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Adds a progress listener (repeatable; default none). Listeners are called from worker
         * threads; a {@link RuntimeException} they throw is logged and ignored.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(ProgressListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The clock of event times, report times, run ids, {@code last_synced_at} and month-to-date
         * windows; default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Whether {@link #reconcile} and {@link #billing} fetch Email Bison's {@code interested}
         * statistic; default {@link #DEFAULT_BISON_STATS}.
         *
         * @param fetch whether to fetch it
         * @return this builder
         */
        public Builder bisonStats(boolean fetch) {
            this.bisonStats = fetch;
            return this;
        }

        /**
         * Sets how many times a run (and {@link #reconcile}, {@link #billing}) attempts its clients that
         * failed for a transient cause again, after the others; default
         * {@link #DEFAULT_CLIENT_RETRY_ROUNDS}. 0 turns it off.
         *
         * @param rounds 0 or more
         * @return this builder
         */
        public Builder clientRetryRounds(int rounds) {
            if (rounds < 0) {
                throw new IllegalArgumentException("clientRetryRounds must not be negative, got " + rounds);
            }
            this.clientRetryRounds = rounds;
            return this;
        }

        /**
         * Sets the pause before each retry round; default {@link #DEFAULT_CLIENT_RETRY_PAUSE}.
         *
         * @param pause zero or positive
         * @return this builder
         */
        public Builder clientRetryPause(Duration pause) {
            this.clientRetryPause = nonNegative(pause, "clientRetryPause");
            return this;
        }

        /**
         * @return the orchestrator
         * @throws IllegalStateException if no instance or no writer is configured
         */
        public BackfillOrchestrator build() {
            if (instances.isEmpty()) {
                throw new IllegalStateException("at least one instance is required: .instance(bisonClient)");
            }
            if (writer == null) {
                throw new IllegalStateException("writer is required: .writer(supabaseWriter)");
            }
            return new BackfillOrchestrator(this);
        }

        private static Duration nonNegative(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative, got " + d);
            }
            return d;
        }
    }
}
