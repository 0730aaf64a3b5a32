package io.github.bisonbackfill.examples.bench;

import io.github.bisonbackfill.bison.ApiKeyStore;
import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import io.github.bisonbackfill.bison.simulator.RecordedRequest;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import io.github.bisonbackfill.core.BackfillOrchestrator;
import io.github.bisonbackfill.core.BackfillPlan;
import io.github.bisonbackfill.core.BackfillReport;
import io.github.bisonbackfill.core.ClientOutcome;
import io.github.bisonbackfill.core.ClientReport;
import io.github.bisonbackfill.core.ClientSpec;
import io.github.bisonbackfill.examples.seed.SeedClient;
import io.github.bisonbackfill.examples.seed.SeedClientResult;
import io.github.bisonbackfill.examples.seed.SeedProcedure;
import io.github.bisonbackfill.examples.seed.SeedRun;
import io.github.bisonbackfill.supabase.SupabaseWriter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one {@link Strategy} over one {@link Workload}: empties the table, starts a fresh simulator,
 * times the strategy, then reads the simulator's counters and request log and audits the table.
 * The library strategies go through {@link BackfillOrchestrator} with default settings, as a user runs it.
 */
final class StrategyRunner {
    private final SupabaseWriter writer;
    private final String table;
    private final SeedProcedure.Settings seedSettings;
    private final Consumer<String> truncate;

    /**
     * @param writer       where every strategy writes (library defaults; the seed slices its own batches of 100)
     * @param table        a table created by {@code ClientLeadsSchema.sql(table)}; emptied before each run
     * @param seedSettings the seed's sleeps
     */
    StrategyRunner(SupabaseWriter writer, String table, SeedProcedure.Settings seedSettings) {
        this(writer, table, seedSettings, BenchSupport::truncate);
    }

    /**
     * @param truncate empties the table by name (the benchmark uses JDBC, from the {@code benchmark}
     *                 profile; the test uses psql through its LocalSupabase, so the default build needs no driver)
     */
    StrategyRunner(SupabaseWriter writer, String table, SeedProcedure.Settings seedSettings, Consumer<String> truncate) {
        this.writer = writer;
        this.table = table;
        this.seedSettings = seedSettings;
        this.truncate = truncate;
    }

    RunResult run(Strategy strategy, Workload workload) {
        return run(strategy, workload, sim -> { });
    }

    /**
     * @param beforeRun called with the fresh simulator before the clock starts (tests use it to script a race)
     */
    RunResult run(Strategy strategy, Workload workload, Consumer<BisonSimulator> beforeRun) {
        truncate.accept(table);
        try (BisonSimulator sim = workload.start()) {
            SimulatedInstance main = sim.instance(Workload.INSTANCE);
            beforeRun.accept(sim);
            List<String> notes = new ArrayList<>();
            long start = System.nanoTime();
            Outcome outcome = switch (strategy) {
                case SEED -> seed(main, workload, notes);
                case SUPER_ADMIN, WORKSPACE_KEYS, KEY_STORE -> library(main, workload, strategy, notes);
            };
            Duration wall = Duration.ofNanos(System.nanoTime() - start);
            main.stopForeignSwitcher();
            if (main.counters().foreignSwitches() > 0) {
                notes.add(main.counters().foreignSwitches() + " foreign switches during the run");
            }

            List<RecordedRequest> log = main.requestLog();
            Map<Endpoint, Long> byEndpoint = new EnumMap<>(Endpoint.class);
            Map<Long, Long> byKey = new HashMap<>();
            long limited = 0;
            for (RecordedRequest r : log) {
                if (r.status() == 429) {
                    limited++;
                    continue;
                }
                byEndpoint.merge(r.endpoint(), 1L, Long::sum);
                if (r.keyId() != null) {
                    byKey.merge(r.keyId(), 1L, Long::sum);
                }
            }
            long requests = main.counters().requests();
            long maxOnOneKey = byKey.values().stream().mapToLong(Long::longValue).max().orElse(0);
            Duration bound = RunResult.bound(requests - limited, byKey.size(), maxOnOneKey, workload.perKeyRate(),
                    workload.instanceRate());
            TableAudit audit = TableAudit.of(writer, table, workload, main);
            return new RunResult(strategy, workload.clients(), workload.totalPages(), wall, requests,
                    main.counters().rateLimited(), byEndpoint, byKey.size(), maxOnOneKey, bound, outcome.rowsAcknowledged,
                    audit.rows(), audit.expectedLeads(), audit.wrongRows(), audit.missingLeads(), outcome.failedClients, notes);
        }
    }

    private record Outcome(long rowsAcknowledged, int failedClients) {
    }

    private Outcome seed(SimulatedInstance main, Workload workload, List<String> notes) {
        List<SeedClient> clients = new ArrayList<>();
        for (int c = 0; c < workload.clients(); c++) {
            clients.add(new SeedClient(workload.workspaceId(c), workload.clientName(c)));
        }
        SeedRun run = SeedProcedure.builder().baseUrl(main.baseUrl()).apiKey(main.superAdminKey())
                .instanceName(Workload.INSTANCE).writer(writer).table(table).settings(seedSettings).build()
                .run(clients);
        for (SeedClientResult r : run.clients()) {
            if (r.scanStoppedBy() != null) {
                notes.add("seed: scan of '" + r.client().name() + "' stopped at " + r.scanStoppedBy() + " (reported done)");
            }
            if (r.failedBatches() > 0) {
                notes.add("seed: " + r.failedBatches() + " upsert batch(es) of '" + r.client().name()
                        + "' failed (counted as written)");
            }
        }
        if (run.rowsReported() != run.rowsAcknowledged()) {
            notes.add("seed reports " + run.rowsReported() + " rows written, Supabase acknowledged " + run.rowsAcknowledged());
        }
        return new Outcome(run.rowsAcknowledged(), 0);
    }

    private Outcome library(SimulatedInstance main, Workload workload, Strategy strategy, List<String> notes) {
        boolean workspaceKeys = strategy == Strategy.WORKSPACE_KEYS;
        BisonClient.Builder client = BisonClient.builder().baseUrl(main.baseUrl()).instanceName(Workload.INSTANCE);
        List<ClientSpec> specs = new ArrayList<>();
        for (int c = 0; c < workload.clients(); c++) {
            long ws = workload.workspaceId(c);
            specs.add(new ClientSpec(workload.clientName(c), Workload.INSTANCE, ws));
            if (workspaceKeys) {
                // Keys a user has minted once beforehand (mintApiUserKey, no switching): not part of the run.
                client.workspaceKey(ws, main.mintApiUserKey(ws));
            }
        }
        if (!workspaceKeys) {
            client.superAdminKey(main.superAdminKey());
        }
        if (strategy == Strategy.KEY_STORE) {
            // Cold: every key is minted during the run (POST .../api-tokens, no switching), then used.
            client.keyStore(ApiKeyStore.inMemory());
        }
        try (BisonClient bison = client.build()) {
            BackfillReport report = BackfillOrchestrator.builder().instance(bison)
                    .writer(writer).table(table).build()
                    .run(BackfillPlan.of(specs));
            int failed = report.count(ClientOutcome.FAILED);
            long detected = 0;
            long recovered = 0;
            for (ClientReport r : report.clients()) {
                if (r.error() != null) {
                    notes.add("library: '" + r.client().clientName() + "' " + r.outcome() + ": " + r.error().type() + ": "
                            + r.error().message());
                }
                if (r.scan() != null) {
                    detected += r.scan().violationsDetected();
                    recovered += r.scan().violationsRecovered();
                }
            }
            if (detected > 0) {
                notes.add("library: " + detected + " workspace-context violation(s) detected, " + recovered + " recovered");
            }
            return new Outcome(report.totalRowsWritten(), failed);
        }
    }
}
