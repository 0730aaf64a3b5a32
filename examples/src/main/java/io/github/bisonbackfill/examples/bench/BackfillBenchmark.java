package io.github.bisonbackfill.examples.bench;

import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import io.github.bisonbackfill.bison.simulator.SwitchVisibility;
import io.github.bisonbackfill.core.ClientLeadsSchema;
import io.github.bisonbackfill.examples.seed.SeedProcedure;
import io.github.bisonbackfill.supabase.SupabaseWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The end-to-end benchmark: the seed's procedure, the library with a super-admin key and the library
 * with per-workspace keys, on the same data from the Email Bison simulator (latency, per-key and
 * per-instance rate limits), writing into the local PostgREST. Run it with
 * {@code scripts/bench-backfill.sh [mode] [--option value]...}; see docs/benchmarks.md.
 *
 * <p>Modes: {@code compare} (the three strategies without and with the race), {@code growth}
 * (6/24/96 clients, library strategies), {@code memory} (one workspace of 100,000 interested replies
 * backfilled by a child JVM with {@code -Xmx256m}), {@code all} (the three in that order), and
 * {@code schema-sql TABLE} (prints {@code ClientLeadsSchema.sql(TABLE)} for the script to apply).
 * Reads SUPABASE_REST_URL, SUPABASE_SERVICE_ROLE_KEY, PGPORT, PGUSER, PGDATABASE. Prints Markdown.
 */
public final class BackfillBenchmark {
    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("table", "bench_client_leads");
        DEFAULTS.put("runs", "3");
        DEFAULTS.put("seed-runs", "3");
        DEFAULTS.put("race-runs", "1");
        DEFAULTS.put("latency-ms", "100");
        DEFAULTS.put("per-key-rate", "10");
        DEFAULTS.put("instance-rate", "30");
        DEFAULTS.put("pages", "10,20,40,60,80,100");
        DEFAULTS.put("seed-scale", "1");
        DEFAULTS.put("race-lag-ms", "500-2000");
        DEFAULTS.put("race-visibility", "USERS_FIRST");
        DEFAULTS.put("foreign-mean-s", "20");
        DEFAULTS.put("growth-pages", "1,2,4,6,8,10");
        DEFAULTS.put("growth-clients", "6,24,96");
        DEFAULTS.put("growth-runs", "1");
        DEFAULTS.put("memory-replies", "100000");
        DEFAULTS.put("memory-xmx", "256m");
        DEFAULTS.put("memory-client-rate", "500");
        DEFAULTS.put("strategies", "seed,super-admin,workspace-keys");
        DEFAULTS.put("seed", "42");
    }

    private BackfillBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args {@code [mode] [--option value]...}; options and defaults are printed by {@code --help}
     * @throws Exception when the local Supabase is not running or a run fails
     */
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 && !args[0].startsWith("--") ? args[0] : "compare";
        if (mode.equals("schema-sql")) {
            System.out.print(ClientLeadsSchema.sql(args.length > 1 ? args[1] : DEFAULTS.get("table")));
            return;
        }
        Map<String, String> o = options(Arrays.copyOfRange(args, args.length > 0 && !args[0].startsWith("--") ? 1 : 0, args.length));
        if (o.containsKey("help")) {
            System.out.println("usage: BackfillBenchmark [compare|growth|memory|all|schema-sql TABLE] [--option value]...");
            DEFAULTS.forEach((k, v) -> System.out.println("  --" + k + " " + v));
            return;
        }
        String table = o.get("table");
        Workload base = new Workload(ints(o.get("pages")), 0, Duration.ofMillis(Long.parseLong(o.get("latency-ms"))),
                Double.parseDouble(o.get("per-key-rate")), Double.parseDouble(o.get("instance-rate")), null,
                Long.parseLong(o.get("seed")));
        String[] lag = o.get("race-lag-ms").split("-");
        Workload.Race race = new Workload.Race(Duration.ofMillis(Long.parseLong(lag[0])),
                Duration.ofMillis(Long.parseLong(lag[lag.length - 1])),
                SwitchVisibility.valueOf(o.get("race-visibility").toUpperCase(Locale.ROOT)),
                Duration.ofMillis((long) (Double.parseDouble(o.get("foreign-mean-s")) * 1000)));
        List<Strategy> strategies = Arrays.stream(o.get("strategies").split(","))
                .map(n -> Strategy.valueOf(n.trim().toUpperCase(Locale.ROOT).replace('-', '_'))).toList();
        SeedProcedure.Settings seedSettings = SeedProcedure.Settings.faithful().scaled(Double.parseDouble(o.get("seed-scale")));

        System.out.printf("options: %s%n", new java.util.TreeMap<>(o));
        try (SupabaseWriter writer = SupabaseWriter.builder().restUrl(BenchSupport.env("SUPABASE_REST_URL"))
                .apiKey(BenchSupport.env("SUPABASE_SERVICE_ROLE_KEY")).build()) {
            StrategyRunner runner = new StrategyRunner(writer, table, seedSettings);
            if (mode.equals("compare") || mode.equals("all")) {
                System.out.printf("%nseed procedure settings: %s%n", seedSettings);
                compare(runner, strategies, base, Integer.parseInt(o.get("seed-runs")), Integer.parseInt(o.get("runs")),
                        "no race");
                if (Integer.parseInt(o.get("race-runs")) > 0) {
                    compare(runner, strategies, base.withRace(race), Integer.parseInt(o.get("race-runs")),
                            Integer.parseInt(o.get("race-runs")), "race");
                }
            }
            if (mode.equals("growth") || mode.equals("all")) {
                growth(runner, base, ints(o.get("growth-pages")), ints(o.get("growth-clients")),
                        Integer.parseInt(o.get("growth-runs")));
            }
            if (mode.equals("memory") || mode.equals("all")) {
                memory(table, Integer.parseInt(o.get("memory-replies")), o.get("memory-xmx"),
                        Double.parseDouble(o.get("memory-client-rate")), Long.parseLong(o.get("seed")));
            }
        }
    }

    // ----------------------------------------------------------------------------------- compare

    static Map<Strategy, List<RunResult>> compare(StrategyRunner runner, List<Strategy> strategies, Workload workload,
                                                  int seedRuns, int libraryRuns, String title) {
        System.out.printf("%n### %s: %s%n%n", title, workload.describe());
        Map<Strategy, List<RunResult>> results = new LinkedHashMap<>();
        for (Strategy s : strategies) {
            results.put(s, new ArrayList<>());
        }
        // Interleaved, so that a change in the machine's load hits every strategy alike.
        for (int i = 0; i < Math.max(seedRuns, libraryRuns); i++) {
            for (Strategy s : strategies) {
                if (i < (s == Strategy.SEED ? seedRuns : libraryRuns)) {
                    System.err.printf("[%s] %s run %d ...%n", title, s.label, i + 1);
                    RunResult r = runner.run(s, workload);
                    results.get(s).add(r);
                    System.err.printf("[%s] %s run %d: %s%n", title, s.label, i + 1, brief(r));
                }
            }
        }
        System.out.println("Runs:");
        System.out.println();
        System.out.println("| strategy | run | wall s | requests | 429s | bound s | rows | wrong rows | missing leads | failed clients | requests by endpoint |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        results.forEach((s, runs) -> {
            for (int i = 0; i < runs.size(); i++) {
                RunResult r = runs.get(i);
                System.out.printf("| %s | %d | %.1f | %d | %d | %.1f | %d | %d | %d | %d | %s |%n", s.label, i + 1,
                        r.wallSeconds(), r.requests(), r.rateLimited(), r.boundSeconds(), r.rowsInTable(), r.wrongRows(),
                        r.missingLeads(), r.failedClients(), endpoints(r.byEndpoint()));
            }
        });
        System.out.println();
        double seedWall = results.containsKey(Strategy.SEED) ? median(results.get(Strategy.SEED), RunResult::wallSeconds)
                : Double.NaN;
        System.out.println("Medians:");
        System.out.println();
        System.out.println("| strategy | runs | wall s | requests | 429s | rows written | expected leads | bound s | seed / strategy | strategy / bound | wrong rows | missing leads |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        results.forEach((s, runs) -> {
            double wall = median(runs, RunResult::wallSeconds);
            double bound = median(runs, RunResult::boundSeconds);
            System.out.printf("| %s | %d | %.1f | %.0f | %.0f | %.0f | %d | %.1f | %.2f | %.2f | %.0f | %.0f |%n", s.label,
                    runs.size(), wall, median(runs, r -> r.requests()), median(runs, r -> r.rateLimited()),
                    median(runs, r -> r.rowsInTable()), runs.get(0).expectedLeads(), bound, seedWall / wall, wall / bound,
                    median(runs, r -> r.wrongRows()), median(runs, r -> r.missingLeads()));
        });
        results.values().stream().flatMap(List::stream).flatMap(r -> r.notes().stream().map(n -> r.strategy().label + ": " + n))
                .distinct().forEach(n -> System.out.println("- " + n));
        return results;
    }

    // ------------------------------------------------------------------------------------ growth

    static void growth(StrategyRunner runner, Workload base, List<Integer> pattern, List<Integer> clientCounts, int runs) {
        System.out.printf("%n### growth: pages per client %s repeated; latency %d ms, %s/key, %s/instance%n%n", pattern,
                base.latency().toMillis(), base.perKeyRate(), base.instanceRate());
        System.out.println("| strategy | clients | pages | runs | wall s | requests | 429s | bound s | wall − bound s | per client s | wall / bound | wrong rows | missing leads |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Strategy s : List.of(Strategy.SUPER_ADMIN, Strategy.WORKSPACE_KEYS)) {
            for (int n : clientCounts) {
                List<Integer> pages = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    pages.add(pattern.get(i % pattern.size()));
                }
                Workload w = base.withPages(pages);
                List<RunResult> rs = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    System.err.printf("[growth] %s, %d clients, run %d ...%n", s.label, n, i + 1);
                    RunResult r = runner.run(s, w);
                    System.err.printf("[growth] %s, %d clients: %s%n", s.label, n, brief(r));
                    rs.add(r);
                }
                double wall = median(rs, RunResult::wallSeconds);
                double bound = median(rs, RunResult::boundSeconds);
                System.out.printf("| %s | %d | %d | %d | %.1f | %.0f | %.0f | %.1f | %.1f | %.2f | %.2f | %.0f | %.0f |%n", s.label, n,
                        w.totalPages(), runs, wall, median(rs, r -> r.requests()), median(rs, r -> r.rateLimited()), bound,
                        wall - bound, (wall - bound) / n, wall / bound, median(rs, r -> r.wrongRows()),
                        median(rs, r -> r.missingLeads()));
            }
        }
    }

    // ------------------------------------------------------------------------------------ memory

    static void memory(String table, int replies, String xmx, double clientRate, long seed) throws Exception {
        System.out.printf("%n### memory: one workspace with %,d interested replies, backfill in a child JVM with -Xmx%s%n%n",
                replies, xmx);
        BenchSupport.truncate(table);
        Workload w = new Workload(List.of((replies + Workload.PAGE - 1) / Workload.PAGE), 0, Duration.ZERO, 0, 0, null, seed);
        long t0 = System.nanoTime();
        try (BisonSimulator sim = BisonSimulator.builder().seed(seed).requestLogCapacity(1000)
                .instance(Workload.INSTANCE, i -> i.workspace(w.workspaceId(0), w.clientName(0), replies, 0)).start()) {
            SimulatedInstance main = sim.instance(Workload.INSTANCE);
            System.err.printf("[memory] simulator ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + xmx, "-XX:+UseSerialGC", "-cp",
                    System.getProperty("java.class.path"), MemoryProbe.class.getName())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            Map<String, String> env = pb.environment();
            env.put(MemoryProbe.ENV_URL, main.baseUrl());
            env.put(MemoryProbe.ENV_KEY, main.mintApiUserKey(w.workspaceId(0)));
            env.put(MemoryProbe.ENV_WORKSPACE, Long.toString(w.workspaceId(0)));
            env.put(MemoryProbe.ENV_CLIENT, w.clientName(0));
            env.put(MemoryProbe.ENV_TABLE, table);
            env.put(MemoryProbe.ENV_RATE, Double.toString(clientRate));
            Process p = pb.start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("the memory probe did not finish within 30 minutes");
            }
            System.out.print(out);
            System.out.printf("%nchild exit code %d (an OutOfMemoryError would end it with 1 and a stack trace)%n", p.exitValue());
            TableAudit audit = TableAudit.of(SupabaseWriter.builder().restUrl(BenchSupport.env("SUPABASE_REST_URL"))
                    .apiKey(BenchSupport.env("SUPABASE_SERVICE_ROLE_KEY")).build(), table, w, main);
            System.out.printf("table afterwards: %d rows, %d expected leads, %d wrong, %d missing%n", audit.rows(),
                    audit.expectedLeads(), audit.wrongRows(), audit.missingLeads());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------ helpers

    private static String brief(RunResult r) {
        return String.format(Locale.ROOT, "%.1f s, %d requests, %d 429s, bound %.1f s, %d rows, %d wrong, %d missing, %d failed%s",
                r.wallSeconds(), r.requests(), r.rateLimited(), r.boundSeconds(), r.rowsInTable(), r.wrongRows(),
                r.missingLeads(), r.failedClients(), r.notes().isEmpty() ? "" : "; " + String.join("; ", r.notes()));
    }

    private static String endpoints(Map<Endpoint, Long> byEndpoint) {
        List<String> parts = new ArrayList<>();
        byEndpoint.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> parts.add(e.getKey().name().toLowerCase(Locale.ROOT) + " " + e.getValue()));
        return String.join(", ", parts);
    }

    static double median(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        return BenchSupport.median(runs.stream().mapToDouble(f).toArray());
    }

    private static List<Integer> ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::valueOf).toList();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>(DEFAULTS);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                o.put("help", "");
                continue;
            }
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !DEFAULTS.containsKey(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete option '" + args[i] + "'; options: "
                        + DEFAULTS.keySet());
            }
            o.put(name, args[++i]);
        }
        return new LinkedHashMap<>(o);
    }
}
