package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.core.internal.Check;
import io.github.bisonbackfill.core.internal.ClientRounds;
import io.github.bisonbackfill.core.internal.Lanes;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import org.jspecify.annotations.Nullable;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;


/**
 * Copies the interested leads of many clients (Email Bison workspaces on one or more instances) into
 * the {@code client_leads} table: scan (workspace-safe {@link BisonClient}) → {@link LeadDedup} →
 * {@link ClientLeadMapper} → idempotent upsert into a {@link LeadSink} (Supabase through a
 * {@link SupabaseWriter}: {@link Builder#writer}) → checkpoint, with progress
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
 * close those yourself (the writer or sink too).
 */
public final class BackfillOrchestrator {
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


    /**
     * Rows mapped and passed to one {@link LeadSink#upsert} call: bounds a client's rows in memory
     * (one chunk at a time) while keeping the writer's concurrent batches busy (20 batches of the
     * default 500); the rows of a client are unique by conflict key, so chunks never overlap.
     */
    static final int DEFAULT_WRITE_CHUNK_ROWS = 10_000;

    /** MDC key of the run id, set around each client's work (with {@link #MDC_INSTANCE} and {@link #MDC_CLIENT}). */
    public static final String MDC_RUN_ID = "runId";
    /** MDC key of the client's instance name. */
    public static final String MDC_INSTANCE = "instance";
    /** MDC key of the client's name. */
    public static final String MDC_CLIENT = "client";

    private final Workspaces workspaces;
    private final LeadSink sink;
    private final CheckpointStore checkpoints;
    private final ProgressListener listener;
    private final Clock clock;
    private final int clientsPerBatch;
    private final int parallelScans;
    private final RunPlanner planner;
    private final ClientRounds rounds;
    private final LeadAudit audit;
    private final ClientPipeline pipeline;

    private BackfillOrchestrator(Builder b) {
        this.sink = b.sink != null ? b.sink : SupabaseLeadSink.of(b.writer, b.table);
        this.checkpoints = b.checkpoints != null ? b.checkpoints : CheckpointStore.inMemory();
        this.listener = ProgressListener.composite(b.listeners);
        this.clock = b.clock;
        this.clientsPerBatch = b.clientsPerBatch;
        this.parallelScans = b.parallelScans;
        this.workspaces = new Workspaces(b.instances, listener, clock);
        this.planner = new RunPlanner(checkpoints, workspaces, b.parallelScans);
        this.rounds = new ClientRounds(new Lanes(b.clientsPerBatch, b.parallelScans, b.delayBetweenClients,
                b.delayBetweenBatches), b.clientRetryRounds, b.clientRetryPause);
        this.audit = new LeadAudit(workspaces, sink, rounds, clock, b.bisonStats);
        this.pipeline = new ClientPipeline(workspaces, sink, audit, checkpoints, listener, clock, b.writeChunkRows);
    }

    /**
     * A builder; {@link Builder#instance} (at least one) and {@link Builder#writer} (or
     * {@link Builder#sink}) are required.
     */
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
        workspaces.validate(plan);
        BackfillPlan selected = options.clients().isEmpty() ? plan : plan.only(options.clients());
        Instant startedAt = clock.instant();
        RunPlanner.Start start = planner.start(options, startedAt);
        List<ClientSpec> clients = selected.clients();
        int of = clients.size();
        listener.on(new ProgressEvent.RunStarted(start.runId(), of, options.dryRun(), start.resumed(), clock.instant()));
        Map<ClientSpec, ClientReport> skipped = planner.alreadyDone(clients, start);
        skipped.forEach((c, r) -> listener.on(new ProgressEvent.ClientFinished(r, clients.indexOf(c) + 1, of,
                clock.instant())));
        List<ClientSpec> toRun = new ArrayList<>(clients);
        toRun.removeAll(skipped.keySet());
        toRun = planner.largestFirst(toRun);
        List<ClientReport> ran = rounds.run("backfill", toRun, (client, index, lane) -> pipeline.runInMdc(client,
                        clients.indexOf(client) + 1, of, lane, start.runId(), options),
                client -> ClientReport.notRun(client.key()), ClientReport::error, ClientReport::followedBy);
        List<ClientReport> reports = new ArrayList<>(of);
        for (ClientSpec c : clients) {
            ClientReport r = skipped.get(c);
            reports.add(r != null ? r : ran.get(toRun.indexOf(c)));
        }
        BackfillReport report = new BackfillReport(start.runId(), startedAt, clock.instant(), options.dryRun(), reports);
        listener.on(new ProgressEvent.RunFinished(report, clock.instant()));
        return report;
    }

    // ---------------------------------------------------------------------------- reconcile

    /**
     * Compares, per client, the distinct normalised interested emails in Email Bison (a fresh scan
     * through the same workspace-safe client, deduplicated with {@link LeadDedup}) with the rows in
     * the sink (Supabase) whose {@code workspace_name} is the client's name (exact count). Zero tolerance:
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
        workspaces.validate(plan);
        return audit.reconcile(plan);
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
        workspaces.validate(plan);
        return audit.billing(plan, ws);
    }

    @Override
    public String toString() {
        return "BackfillOrchestrator[instances=" + workspaces.names() + ", sink=" + sink
                + ", clientsPerBatch=" + clientsPerBatch + ", parallelScans=" + parallelScans + ", checkpoints="
                + checkpoints + "]";
    }

    // ------------------------------------------------------------------------------ builder

    /** Mutable builder of {@link BackfillOrchestrator}; not thread-safe. */
    public static final class Builder {
        private final Map<String, Workspaces.Binding> instances = new LinkedHashMap<>();
        private @Nullable SupabaseWriter writer;
        private @Nullable LeadSink sink;
        private String table = DEFAULT_TABLE;
        private boolean tableSet;
        private int clientsPerBatch = DEFAULT_CLIENTS_PER_BATCH;
        private int parallelScans = DEFAULT_PARALLEL_SCANS;
        private Duration delayBetweenClients = DEFAULT_DELAY_BETWEEN_CLIENTS;
        private Duration delayBetweenBatches = DEFAULT_DELAY_BETWEEN_BATCHES;
        private @Nullable CheckpointStore checkpoints;
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
            this.writeChunkRows = Check.positive("writeChunkRows", rows);
            return this;
        }

        /** Registers {@code client} under {@code name}; see {@link #instance(BisonClient)}. */
        private Builder register(String name, BisonClient client, String baseUrl) {
            Check.notNull("instanceName", name);
            Check.notNull("client", client);
            Check.notNull("baseUrl", baseUrl);
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
            instances.put(name, new Workspaces.Binding(name, client, uri));
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
            Check.notNull("client", client);
            return register(client.instanceName(), client, client.baseUrl());
        }

        /**
         * The Supabase writer (this or {@link #sink} is required; not closed by the orchestrator): rows
         * go to {@link #table(String)} through {@link SupabaseLeadSink#of(SupabaseWriter, String)}.
         *
         * @param writer the writer
         * @return this builder
         */
        public Builder writer(SupabaseWriter writer) {
            this.writer = Check.notNull("writer", writer);
            return this;
        }

        /**
         * Where rows are written and counted, for a destination other than a Supabase writer (this or
         * {@link #writer} is required; not closed by the orchestrator). The sink names its own table,
         * so {@link #table(String)} does not apply. See {@link LeadSink} for the contract.
         *
         * @param sink the sink
         * @return this builder
         */
        public Builder sink(LeadSink sink) {
            this.sink = Check.notNull("sink", sink);
            return this;
        }

        /**
         * The destination table of {@link #writer}; default {@link #DEFAULT_TABLE}. It must have the
         * {@code client_leads} schema ({@link ClientLeadsSchema#sql(String)}).
         *
         * @param table the table name
         * @return this builder
         * @throws IllegalArgumentException if blank
         */
        public Builder table(String table) {
            this.table = Check.notBlank("table", table);
            this.tableSet = true;
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
            this.clientsPerBatch = Check.positive("clientsPerBatch", clients);
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
            this.parallelScans = Check.positive("parallelScans", scans);
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
            this.delayBetweenClients = Check.nonNegative("delayBetweenClients", delay);
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
            this.delayBetweenBatches = Check.nonNegative("delayBetweenBatches", delay);
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
            this.checkpoints = Check.notNull("checkpointStore", store);
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
            listeners.add(Check.notNull("listener", listener));
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
            this.clock = Check.notNull("clock", clock);
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
            this.clientRetryRounds = Check.nonNegative("clientRetryRounds", rounds);
            return this;
        }

        /**
         * Sets the pause before each retry round; default {@link #DEFAULT_CLIENT_RETRY_PAUSE}.
         *
         * @param pause zero or positive
         * @return this builder
         */
        public Builder clientRetryPause(Duration pause) {
            this.clientRetryPause = Check.nonNegative("clientRetryPause", pause);
            return this;
        }

        /**
         * @return the orchestrator
         * @throws IllegalStateException if no instance is configured, neither or both of a writer and a
         *                               sink, or a table with a sink
         */
        public BackfillOrchestrator build() {
            if (instances.isEmpty()) {
                throw new IllegalStateException("at least one instance is required: .instance(bisonClient)");
            }
            if (writer == null && sink == null) {
                throw new IllegalStateException("writer is required: .writer(supabaseWriter), or .sink(leadSink) for"
                        + " another destination");
            }
            if (writer != null && sink != null) {
                throw new IllegalStateException("set either writer(...) or sink(...), not both: writer(w) is"
                        + " sink(SupabaseLeadSink.of(w, table))");
            }
            if (sink != null && tableSet) {
                throw new IllegalStateException("table(...) applies to writer(...); a sink writes to its own table"
                        + " (SupabaseLeadSink.of(writer, table))");
            }
            return new BackfillOrchestrator(this);
        }
    }
}
