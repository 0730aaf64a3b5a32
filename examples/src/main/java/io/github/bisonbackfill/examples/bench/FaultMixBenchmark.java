package io.github.bisonbackfill.examples.bench;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import io.github.bisonbackfill.core.BackfillOrchestrator;
import io.github.bisonbackfill.core.BackfillPlan;
import io.github.bisonbackfill.core.BackfillReport;
import io.github.bisonbackfill.core.ClientOutcome;
import io.github.bisonbackfill.core.ClientReport;
import io.github.bisonbackfill.core.ClientSpec;
import io.github.bisonbackfill.core.LeadDedup;
import io.github.bisonbackfill.core.ReconciliationReport;
import io.github.bisonbackfill.supabase.Filter;
import io.github.bisonbackfill.supabase.SupabaseWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finishing under production faults: backfills 24 clients on 2 instances from the simulator's
 * {@link BisonSimulator.Builder#productionFaults() production fault mix} with the library's default
 * settings, once per seed, and counts the clients completed in one run, the wrong rows (a row whose
 * reply belongs to another workspace) and the inexact clients. Run it with
 * {@code scripts/bench-faults.sh [--runs N] [--first-seed S] [--keys super-admin|api-user|key-store]
 * [--calm]}; docs/benchmarks.md keeps the figures. {@code --calm} runs the same workspaces without
 * faults or switcher, to measure what the faults cost. Reads SUPABASE_REST_URL and
 * SUPABASE_SERVICE_ROLE_KEY; the table ({@code --table}, default {@code bench_faults}) must exist.
 */
public final class FaultMixBenchmark {
    private FaultMixBenchmark() {
    }

    /** How the clients reach their workspaces. */
    enum Keys { SUPER_ADMIN, API_USER, KEY_STORE }

    /**
     * Runs the benchmark and prints one Markdown line per run and a summary.
     *
     * @param args {@code [--runs N] [--first-seed S] [--keys MODE] [--calm] [--table T]}
     * @throws Exception when the local Supabase is not reachable
     */
    public static void main(String[] args) throws Exception {
        int runs = 10;
        long firstSeed = 1;
        Keys keys = Keys.SUPER_ADMIN;
        boolean calm = false;
        String table = "bench_faults";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--first-seed" -> firstSeed = Long.parseLong(args[++i]);
                case "--keys" -> keys = Keys.valueOf(args[++i].toUpperCase(Locale.ROOT).replace('-', '_'));
                case "--calm" -> calm = true;
                case "--table" -> table = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String url = System.getenv("SUPABASE_REST_URL");
        String key = System.getenv("SUPABASE_SERVICE_ROLE_KEY");
        if (url == null || key == null) {
            throw new IllegalStateException("SUPABASE_REST_URL / SUPABASE_SERVICE_ROLE_KEY not set: run scripts/bench-faults.sh");
        }
        System.out.println("| seed | keys | faults | completed | failed (causes) | attempts | wrong rows | inexact | reconcile | duration |");
        System.out.println("|---|---|---|---:|---|---:|---:|---:|---|---:|");
        int allCompleted = 0;
        int allWrong = 0;
        double seconds = 0;
        try (SupabaseWriter writer = SupabaseWriter.builder().restUrl(url).apiKey(key).build()) {
            for (int r = 0; r < runs; r++) {
                long seed = firstSeed + r;
                Result res = run(seed, keys, calm, writer, table);
                allCompleted += res.completed;
                allWrong += res.wrongRows;
                seconds += res.seconds;
                System.out.printf(Locale.ROOT, "| %d | %s | %s | %d/24 | %s | %d | %d | %d | %s | %.1f s |%n", seed,
                        keys.name().toLowerCase(Locale.ROOT).replace('_', '-'), calm ? "none" : "production mix",
                        res.completed, res.failures.isEmpty() ? "-" : res.failures, res.attempts, res.wrongRows,
                        res.inexact, res.reconcile, res.seconds);
            }
        }
        System.out.printf(Locale.ROOT, "%nsummary: %d runs, %d of %d clients completed in one run (%.1f %%), %d wrong rows,"
                        + " mean %.1f s a run%n", runs, allCompleted, runs * 24, 100.0 * allCompleted / (runs * 24), allWrong,
                seconds / runs);
    }

    private record Result(int completed, String failures, int attempts, int wrongRows, int inexact, String reconcile,
                          double seconds) {
    }

    private static Result run(long seed, Keys keys, boolean calm, SupabaseWriter writer, String table) {
        BisonSimulator.Builder b = BisonSimulator.builder().seed(seed);
        if (!calm) {
            b.productionFaults();
        }
        try (BisonSimulator sim = b.instance("east", i -> i.generatedWorkspaces(12, 30, 8))
                .instance("west", i -> i.generatedWorkspaces(12, 30, 8)).start()) {
            // Every run writes under its own instance names: the table's keys (lead_email, workspace_name) and
            // (bison_instance, bison_reply_id) must not meet an earlier run's rows (every simulator numbers
            // its replies from 10001).
            String tag = "s" + seed + "-" + keys.name().toLowerCase(Locale.ROOT) + (calm ? "-calm" : "") + "-"
                    + System.nanoTime() % 100_000 + "-";
            Map<String, SimulatedInstance> byName = new java.util.HashMap<>();
            List<ClientSpec> specs = new ArrayList<>();
            List<BisonClient> clients = new ArrayList<>();
            BackfillOrchestrator.Builder ob = BackfillOrchestrator.builder().writer(writer).table(table).bisonStats(false);
            for (SimulatedInstance instance : sim.instances()) {
                String name = tag + instance.name();
                byName.put(name, instance);
                BisonClient.Builder cb = BisonClient.builder().baseUrl(instance.baseUrl()).instanceName(name)
                        .superAdminKey(instance.superAdminKey()).requestsPerSecond(40);
                if (keys == Keys.API_USER) {
                    instance.workspaces().forEach(ws -> cb.workspaceKey(ws.id(), instance.mintApiUserKey(ws.id())));
                } else if (keys == Keys.KEY_STORE) {
                    FaultMixKeyStore.coldStore(cb);
                }
                BisonClient client = cb.build();
                clients.add(client);
                ob.instance(client);
                instance.workspaces().forEach(ws -> specs.add(new ClientSpec(name + ": " + ws.name(), name, ws.id())));
            }
            try {
                BackfillOrchestrator orchestrator = ob.build();
                BackfillPlan plan = BackfillPlan.of(specs);
                BackfillReport report = orchestrator.run(plan);
                int completed = 0;
                int attempts = 0;
                Map<String, Integer> causes = new TreeMap<>();
                int wrong = 0;
                int inexact = 0;
                for (int k = 0; k < specs.size(); k++) {
                    ClientSpec spec = specs.get(k);
                    ClientReport c = report.clients().get(k);
                    attempts += FaultMixKeyStore.attempts(c);
                    if (c.outcome() == ClientOutcome.COMPLETED || c.outcome() == ClientOutcome.COMPLETED_WITH_REJECTS) {
                        completed++;
                    } else if (c.error() != null) {
                        String type = c.error().type();
                        causes.merge(type.substring(type.lastIndexOf('.') + 1), 1, Integer::sum);
                    }
                    SimulatedInstance instance = byName.get(spec.instance());
                    Map<String, Long> rows = new TreeMap<>();
                    writer.select(table, "lead_email,bison_reply_id", Filter.eq("workspace_name", spec.name()))
                            .forEach(row -> rows.put((String) row.get("lead_email"),
                                    ((Number) row.get("bison_reply_id")).longValue()));
                    for (long replyId : rows.values()) {
                        if (instance.workspaceOfReply(replyId).orElse(-1) != spec.workspaceId()) {
                            wrong++;
                        }
                    }
                    if (c.scan() != null && !rows.isEmpty()) {
                        long highest = c.scan().highestReplyId();
                        Map<String, Long> expected = new TreeMap<>();
                        LeadDedup.apply(instance.interestedReplies(spec.workspaceId()).stream()
                                .filter(rp -> rp.id() <= highest).toList()).leads()
                                .forEach(l -> expected.put(l.email(), l.reply().id()));
                        if (!expected.equals(rows)) {
                            inexact++;
                            Map<String, Long> missing = new TreeMap<>(expected);
                            missing.entrySet().removeAll(rows.entrySet());
                            Map<String, Long> extra = new TreeMap<>(rows);
                            extra.entrySet().removeAll(expected.entrySet());
                            System.err.println("inexact " + spec.name() + " (" + c.outcome() + "): expected but not written "
                                    + missing + "; written but not expected " + extra);
                        }
                    }
                }
                String reconcile = "-";
                if (keys != Keys.SUPER_ADMIN || calm) {
                    ReconciliationReport rec = orchestrator.reconcile(plan);
                    reconcile = rec.mismatches().isEmpty() ? "all match" : rec.mismatches().size() + " mismatch";
                }
                StringBuilder failures = new StringBuilder();
                causes.forEach((t, n) -> failures.append(failures.length() == 0 ? "" : ", ").append(n).append(" × ").append(t));
                return new Result(completed, failures.toString(), attempts, wrong, inexact, reconcile,
                        report.duration().toMillis() / 1000.0);
            } finally {
                clients.forEach(BisonClient::close);
            }
        }
    }

}
