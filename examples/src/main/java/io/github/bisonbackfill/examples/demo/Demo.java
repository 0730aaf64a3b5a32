package io.github.bisonbackfill.examples.demo;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.KeyMode;
import io.github.bisonbackfill.bison.MintedKey;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.Workspace;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import io.github.bisonbackfill.bison.simulator.SwitchVisibility;
import io.github.bisonbackfill.core.BackfillOrchestrator;
import io.github.bisonbackfill.core.BackfillPlan;
import io.github.bisonbackfill.core.BackfillReport;
import io.github.bisonbackfill.core.BillingWindow;
import io.github.bisonbackfill.core.ClientOutcome;
import io.github.bisonbackfill.core.ClientReport;
import io.github.bisonbackfill.core.ClientSpec;
import io.github.bisonbackfill.core.ConsoleProgressRenderer;
import io.github.bisonbackfill.core.RunOptions;
import io.github.bisonbackfill.examples.cli.TextTable;
import io.github.bisonbackfill.examples.seed.SeedClient;
import io.github.bisonbackfill.examples.seed.SeedProcedure;
import io.github.bisonbackfill.examples.seed.SeedRun;
import io.github.bisonbackfill.supabase.Filter;
import io.github.bisonbackfill.supabase.SupabaseWriter;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one-command demo: an in-process Email Bison simulator with two instances and the race switched
 * on (switch lag with the read-back running ahead of the data, and another actor switching the same
 * super-admin user), the full backfill into a real Supabase REST with live progress, then the report,
 * the reconciliation and the month-to-date counts, side by side with what the production seed's
 * procedure ({@link SeedProcedure}, sleeps scaled down) wrote on the same data into another table.
 *
 * <p>Instance {@code alpha} is read with its super-admin key only (the library switches and proves
 * every page); instance {@code beta} with per-workspace api-user keys minted through
 * {@link BisonClient#mintApiUserKey} (no switching at all). Workspace ids collide across the two
 * instances on purpose, as on real agencies.
 *
 * <p>The tables must exist ({@code ClientLeadsSchema.sql(table)}); the seed table must not hold rows
 * of the demo's clients (its counts would be off). Not thread-safe; run one demo at a time.
 */
public final class Demo {
    /** Client names the demo uses, with the commas, apostrophes and accents real names have. */
    static final List<String> NAMES = List.of(
            "Harbor Insurance, LLC", "O'Brien & Sons, LLC", "Café Ñandú", "Acme Logistics", "Zürich Dental Group",
            "Smith, Jones & Partners", "Blue Fern Realty", "Nørd Analytics", "Peak Roofing Co.", "Lumière Spa",
            "Greenway Solar", "D'Angelo Law", "Atlas Freight", "São Paulo Imports", "Redwood Clinics",
            "Kite & Key Marketing", "Crème Bakery", "Summit HVAC", "Ørsted Consulting", "Maple Street Dental",
            "Harper, Lee & Co.", "Vértice Capital", "Northwind Traders", "Élan Fitness");

    private Demo() {
    }

    /**
     * Demo settings.
     *
     * @param clients            clients in all (split over the two instances), at most {@value #MAX_CLIENTS}
     * @param minInterested      interested replies of the smallest workspace
     * @param maxInterested      interested replies of the largest
     * @param otherReplies       not-interested replies per workspace
     * @param seed               simulator seed (same seed, same data)
     * @param switchLagMax       the simulated switch lag is uniform in [lag/5, lag], read-back first
     * @param foreignSwitcher    mean pause of the other actor switching the super-admin user
     * @param settleDelay        the library's switch settle delay (above {@code switchLagMax})
     * @param seedTimeScale      factor on the seed's sleeps (2 s, 200 ms, 100 ms, 10 s)
     * @param table              the library's table
     * @param seedTable          the seed's table
     * @param zone               time zone of the month-to-date counts
     * @param pageInterval       minimum time between two progress lines of one client
     */
    public record Settings(int clients, int minInterested, int maxInterested, int otherReplies, long seed,
                           Duration switchLagMax, Duration foreignSwitcher, Duration settleDelay, double seedTimeScale,
                           String table, String seedTable, ZoneId zone, Duration pageInterval) {
        /** Most clients: {@value}. */
        public static final int MAX_CLIENTS = 24;

        /** @throws IllegalArgumentException on an impossible setting */
        public Settings {
            if (clients < 2 || clients > MAX_CLIENTS) {
                throw new IllegalArgumentException("clients must be 2.." + MAX_CLIENTS + ", got " + clients);
            }
            if (minInterested < 1 || maxInterested < minInterested || otherReplies < 0) {
                throw new IllegalArgumentException("need 1 <= minInterested <= maxInterested and otherReplies >= 0");
            }
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(seedTable, "seedTable");
            Objects.requireNonNull(zone, "zone");
            if (table.equals(seedTable)) {
                throw new IllegalArgumentException("the seed's table must differ from the library's");
            }
        }

        /**
         * The demo's defaults: 24 clients on 2 instances, 15–180 interested replies each (1–12 pages),
         * switch lag up to 250 ms, another actor switching every 1 s on average, the seed's sleeps ×0.1
         * (so its 2 s after a switch is 200 ms: the same proportion to the lag as production's 2 s to
         * "1–2 s"), month to date in UTC.
         *
         * @return the settings
         */
        public static Settings defaults() {
            return new Settings(MAX_CLIENTS, 15, 180, 40, 2025, Duration.ofMillis(250), Duration.ofSeconds(1),
                    Duration.ofMillis(300), 0.1, "client_leads", "client_leads_seed", ZoneId.of("UTC"),
                    Duration.ofSeconds(1));
        }

        /** @return a copy with these tables */
        public Settings withTables(String table, String seedTable) {
            return new Settings(clients, minInterested, maxInterested, otherReplies, seed, switchLagMax, foreignSwitcher,
                    settleDelay, seedTimeScale, table, seedTable, zone, pageInterval);
        }

        /** @return a copy with this many clients and interested replies per workspace */
        public Settings withSize(int clients, int minInterested, int maxInterested, int otherReplies) {
            return new Settings(clients, minInterested, maxInterested, otherReplies, seed, switchLagMax, foreignSwitcher,
                    settleDelay, seedTimeScale, table, seedTable, zone, pageInterval);
        }

        /** @return a copy with this zone */
        public Settings withZone(ZoneId zone) {
            return new Settings(clients, minInterested, maxInterested, otherReplies, seed, switchLagMax, foreignSwitcher,
                    settleDelay, seedTimeScale, table, seedTable, zone, pageInterval);
        }

        /** @return a copy with this factor on the seed's sleeps */
        public Settings withSeedTimeScale(double scale) {
            return new Settings(clients, minInterested, maxInterested, otherReplies, seed, switchLagMax, foreignSwitcher,
                    settleDelay, scale, table, seedTable, zone, pageInterval);
        }
    }

    /**
     * One client of the demo.
     *
     * @param name             the client (workspace) name
     * @param instance         {@code alpha} (super-admin key) or {@code beta} (api-user keys)
     * @param workspaceId      its id on that instance
     * @param keyMode          how the library read it
     * @param expectedLeads    distinct interested emails per the simulator's ground truth
     * @param rows             the library's rows for it
     * @param wrongRows        the library's rows whose reply is not an interested reply of this workspace
     * @param mtdRows          the library's rows received this month (to date)
     * @param seedRows         the seed's rows for it
     * @param seedForeignRows  the seed's rows whose reply belongs to another workspace
     * @param seedNotInterestedRows the seed's rows whose reply is this workspace's but not interested
     * @param seedMissingLeads interested leads of this workspace the seed has no row for
     */
    public record ClientResult(String name, String instance, long workspaceId, KeyMode keyMode, long expectedLeads,
                               long rows, long wrongRows, Long mtdRows, long seedRows, long seedForeignRows,
                               long seedNotInterestedRows, long seedMissingLeads) {
        /** @return whether the library's rows are exactly this workspace's interested leads */
        public boolean correct() {
            return wrongRows == 0 && rows == expectedLeads;
        }

        /** @return whether the seed wrote another workspace's replies under this client */
        public boolean seedContaminated() {
            return seedForeignRows > 0;
        }
    }

    /**
     * What the demo did.
     *
     * @param report    the library's final report (after resumes, if any)
     * @param runs      backfill runs (1 + resumes)
     * @param clients   per client
     * @param seedRun   the seed procedure's run
     * @param foreignSwitches switches made by the other actor during the demo
     * @param duration  wall time
     */
    public record Result(BackfillReport report, int runs, List<ClientResult> clients, SeedRun seedRun,
                         long foreignSwitches, Duration duration) {
        /** @return clients whose library rows are exactly their interested leads */
        public long correctClients() {
            return clients.stream().filter(ClientResult::correct).count();
        }

        /** @return clients the seed wrote other workspaces' replies under */
        public long seedContaminatedClients() {
            return clients.stream().filter(ClientResult::seedContaminated).count();
        }
    }

    /**
     * Runs the demo.
     *
     * @param settings the settings
     * @param writer   a writer to the Supabase REST holding both tables (not closed)
     * @param out      where the progress and the final screen go
     * @return what happened
     * @throws IllegalStateException when the seed table already holds rows of the demo's clients
     */
    public static Result run(Settings settings, SupabaseWriter writer, PrintStream out) {
        Instant started = Instant.now();
        int perAlpha = (settings.clients() + 1) / 2;
        int perBeta = settings.clients() - perAlpha;
        List<String> alphaNames = NAMES.subList(0, perAlpha);
        List<String> betaNames = NAMES.subList(perAlpha, perAlpha + perBeta);
        for (String n : NAMES.subList(0, settings.clients())) {
            long stale = writer.count(settings.seedTable(), Filter.eq("workspace_name", n));
            if (stale > 0) {
                throw new IllegalStateException("table " + settings.seedTable() + " already holds " + stale + " rows of \""
                        + n + "\" from an earlier demo: empty it first (truncate " + settings.seedTable() + ")");
            }
        }
        Duration lagMax = settings.switchLagMax();
        try (BisonSimulator sim = BisonSimulator.builder().seed(settings.seed())
                .switchLag(lagMax.dividedBy(5), lagMax).switchVisibility(SwitchVisibility.USERS_FIRST)
                .latency(Duration.ofMillis(1), Duration.ofMillis(8))
                .instance("alpha", i -> workspaces(i, alphaNames, settings, 0))
                .instance("beta", i -> workspaces(i, betaNames, settings, 1))
                .start()) {
            SimulatedInstance alpha = sim.instance("alpha");
            SimulatedInstance beta = sim.instance("beta");
            out.printf(Locale.ROOT, "Email Bison simulator: %d clients on 2 instances (%s, %s); workspace ids collide"
                            + " across instances.%nThe race is on: a switch takes %d-%d ms to reach the data (the read-back"
                            + " shows it at once), and another actor switches the super-admin user every %.1f s on average.%n%n",
                    settings.clients(), alpha.baseUrl(), beta.baseUrl(), lagMax.dividedBy(5).toMillis(), lagMax.toMillis(),
                    settings.foreignSwitcher().toMillis() / 1000.0);
            alpha.startForeignSwitcher(settings.foreignSwitcher());
            beta.startForeignSwitcher(settings.foreignSwitcher());

            // beta: api-user keys minted with the super-admin key, without switching; then read with those only.
            Map<Long, String> betaKeys = new LinkedHashMap<>();
            try (BisonClient admin = client(beta).superAdminKey(beta.superAdminKey()).build()) {
                for (Workspace ws : beta.workspaces()) {
                    MintedKey key = admin.mintApiUserKey(ws.id(), "bison-backfill-demo");
                    betaKeys.put(ws.id(), key.token());
                }
            }
            out.println("beta: minted " + betaKeys.size() + " api-user keys with BisonClient.mintApiUserKey (no switching);"
                    + " alpha: super-admin key only.");
            out.println();

            List<ClientSpec> specs = new ArrayList<>();
            alpha.workspaces().forEach(ws -> specs.add(new ClientSpec(ws.name(), "alpha", ws.id())));
            beta.workspaces().forEach(ws -> specs.add(new ClientSpec(ws.name(), "beta", ws.id())));
            BackfillPlan plan = BackfillPlan.of(specs);

            BackfillReport report;
            int runs = 1;
            try (BisonClient alphaClient = client(alpha).superAdminKey(alpha.superAdminKey())
                    .switchSettleDelay(settings.settleDelay()).build();
                 BisonClient betaClient = client(beta).workspaceKeys(betaKeys).build()) {
                BackfillOrchestrator orchestrator = BackfillOrchestrator.builder()
                        .instance(alphaClient)
                        .instance(betaClient)
                        .writer(writer).table(settings.table())
                        .listener(ConsoleProgressRenderer.builder().out(out).pageInterval(settings.pageInterval()).build())
                        .build();
                BillingWindow mtd = BillingWindow.monthToDate(Clock.systemUTC(), settings.zone());
                out.println("== bison-backfill: all " + specs.size() + " clients ==");
                report = orchestrator.run(plan, RunOptions.builder().billing(mtd).build());
                // A foreign switcher can outlast the client's bounded recoveries: that client fails without
                // writing anything unproven, and resuming runs it (and only it) again.
                while (!report.succeeded() && runs < 4) {
                    out.println("-- " + report.count(ClientOutcome.FAILED) + " client(s) could not be proven under the race;"
                            + " nothing unproven was written. Resuming them.");
                    report = merge(report, orchestrator.run(plan, RunOptions.builder().resume(true).billing(mtd).build()));
                    runs++;
                }
            }

            out.println();
            out.println("== the seed's procedure on the same data (sleeps x" + settings.seedTimeScale()
                    + ", super-admin key, switch -> sleep -> read) into " + settings.seedTable() + " ==");
            SeedRun seedRun = runSeed(settings, writer, alpha, beta);
            alpha.stopForeignSwitcher();
            beta.stopForeignSwitcher();
            out.printf(Locale.ROOT, "seed: %d clients in %.1f s, %d rows reported written%n", seedRun.clients().size(),
                    seedRun.wallTime().toMillis() / 1000.0, seedRun.rowsReported());

            List<ClientResult> clients = new ArrayList<>();
            for (ClientReport c : report.clients()) {
                SimulatedInstance inst = sim.instance(c.client().instance());
                clients.add(compare(settings, writer, inst, c));
            }
            long foreign = alpha.counters().foreignSwitches() + beta.counters().foreignSwitches();
            Result result = new Result(report, runs, clients, seedRun, foreign, Duration.between(started, Instant.now()));
            printFinalScreen(out, settings, result);
            return result;
        }
    }

    private static void workspaces(BisonSimulator.InstanceBuilder i, List<String> names, Settings s, int salt) {
        for (int k = 0; k < names.size(); k++) {
            // Sizes spread over [min, max] in a fixed shuffled order, so both instances have small and large ones.
            int step = names.size() == 1 ? 0 : (s.maxInterested() - s.minInterested()) * ((k * 7 + salt * 3) % names.size())
                    / (names.size() - 1);
            i.workspace(101 + k, names.get(k), s.minInterested() + step, s.otherReplies());
        }
    }

    private static BisonClient.Builder client(SimulatedInstance instance) {
        return BisonClient.builder().baseUrl(instance.baseUrl()).instanceName(instance.name())
                .verificationInterval(Duration.ofMillis(50))
                .retryBaseDelay(Duration.ofMillis(50)).retryMaxDelay(Duration.ofMillis(500))
                .requestsPerSecond(200).maxConcurrentRequests(8);
    }

    /** The resumed run's report completed with the clients it skipped (already done in the earlier one). */
    private static BackfillReport merge(BackfillReport earlier, BackfillReport resumed) {
        List<ClientReport> merged = new ArrayList<>();
        for (int k = 0; k < resumed.clients().size(); k++) {
            ClientReport r = resumed.clients().get(k);
            merged.add(r.outcome() == ClientOutcome.SKIPPED_ALREADY_DONE ? earlier.clients().get(k) : r);
        }
        return new BackfillReport(resumed.runId(), earlier.startedAt(), resumed.finishedAt(), false, merged);
    }

    private static SeedRun runSeed(Settings s, SupabaseWriter writer, SimulatedInstance alpha, SimulatedInstance beta) {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // The seed ran one client at a time per instance; the two instances in parallel (independent users).
            List<Future<SeedRun>> runs = new ArrayList<>();
            for (SimulatedInstance inst : List.of(alpha, beta)) {
                SeedProcedure seed = SeedProcedure.builder().baseUrl(inst.baseUrl()).apiKey(inst.superAdminKey())
                        .instanceName(inst.name()).writer(writer).table(s.seedTable())
                        .settings(SeedProcedure.Settings.faithful().scaled(s.seedTimeScale())).build();
                List<SeedClient> clients = inst.workspaces().stream().map(ws -> new SeedClient(ws.id(), ws.name())).toList();
                runs.add(pool.submit(() -> seed.run(clients)));
            }
            List<io.github.bisonbackfill.examples.seed.SeedClientResult> all = new ArrayList<>();
            long requests = 0;
            Duration wall = Duration.ZERO;
            for (Future<SeedRun> f : runs) {
                SeedRun r = f.get();
                all.addAll(r.clients());
                requests += r.requestsSent();
                wall = wall.compareTo(r.wallTime()) >= 0 ? wall : r.wallTime();
            }
            return new SeedRun(all, requests, wall);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the seed procedure failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Both tables' rows of one client, checked against the simulator's ground truth. */
    private static ClientResult compare(Settings s, SupabaseWriter writer, SimulatedInstance inst, ClientReport c) {
        long ws = c.client().workspaceId();
        String name = c.client().clientName();
        Set<Long> interestedIds = new HashSet<>();
        for (Reply r : inst.interestedReplies(ws)) {
            interestedIds.add(r.id());
        }
        Set<String> expectedEmails = inst.interestedEmails(ws);

        List<Map<String, Object>> rows = writer.select(s.table(), "lead_email,bison_reply_id", Filter.eq("workspace_name", name));
        long wrong = rows.stream().filter(r -> !interestedIds.contains(((Number) r.get("bison_reply_id")).longValue())).count();

        List<Map<String, Object>> seedRows = writer.select(s.seedTable(), "lead_email,bison_reply_id",
                Filter.eq("workspace_name", name));
        long foreign = 0;
        long notInterested = 0;
        Set<String> seedEmails = new HashSet<>();
        for (Map<String, Object> r : seedRows) {
            long id = ((Number) r.get("bison_reply_id")).longValue();
            OptionalLong owner = inst.workspaceOfReply(id);
            if (owner.isEmpty() || owner.getAsLong() != ws) {
                foreign++;
            } else {
                seedEmails.add((String) r.get("lead_email"));
                if (!interestedIds.contains(id)) {
                    notInterested++;
                }
            }
        }
        long missing = expectedEmails.stream().filter(e -> !seedEmails.contains(e)).count();
        Long mtd = c.billing() == null ? null : c.billing().supabaseRows();
        return new ClientResult(name, c.client().instance(), ws, c.scan() == null ? null : c.scan().keyMode(),
                expectedEmails.size(), rows.size(), wrong, mtd, seedRows.size(), foreign, notInterested, missing);
    }

    private static void printFinalScreen(PrintStream out, Settings s, Result result) {
        BackfillReport report = result.report();
        Map<String, ClientReport> byName = new HashMap<>();
        report.clients().forEach(c -> byName.put(c.client().clientName(), c));
        out.println();
        out.println("== result: " + s.table() + " (bison-backfill) vs " + s.seedTable() + " (the seed's procedure),"
                + " checked against the simulator's ground truth ==");
        TextTable t = new TextTable("client", "inst", "key", ">leads", ">rows", ">wrong", "reconciled", ">MTD", "|", ">seed rows", ">other ws", ">not int.", ">missing");
        for (ClientResult c : result.clients()) {
            ClientReport r = byName.get(c.name());
            var rec = r.reconciliation();
            t.row(c.name(), c.instance(), c.keyMode().isApiUserKey() ? "api-user" : "super-admin",
                    c.expectedLeads(), c.rows(), c.wrongRows(),
                    rec == null ? "-" : rec.matches() ? "yes" : "NO (" + rec.difference() + ")",
                    c.mtdRows(), "|",
                    c.seedRows(), c.seedForeignRows(), c.seedNotInterestedRows(), c.seedMissingLeads());
        }
        t.print(out);
        long violations = report.clients().stream().filter(c -> c.scan() != null).mapToLong(c -> c.scan().violationsDetected()).sum();
        long recovered = report.clients().stream().filter(c -> c.scan() != null).mapToLong(c -> c.scan().violationsRecovered()).sum();
        long reconciled = report.clients().stream().filter(c -> c.reconciliation() != null && c.reconciliation().matches()).count();
        long seedForeign = result.clients().stream().mapToLong(ClientResult::seedForeignRows).sum();
        long seedNotInterested = result.clients().stream().mapToLong(ClientResult::seedNotInterestedRows).sum();
        long seedMissing = result.clients().stream().mapToLong(ClientResult::seedMissingLeads).sum();
        long mtd = result.clients().stream().mapToLong(c -> c.mtdRows() == null ? 0 : c.mtdRows()).sum();
        out.println("leads = distinct interested emails (ground truth); wrong = rows whose reply is not an interested reply"
                + " of that workspace; MTD = rows received this month to date (" + s.zone().getId() + ")");
        out.println("seed: other ws = rows holding another workspace's reply; not int. = replies not marked interested"
                + " (interested=1 is no filter); missing = interested leads without a row");
        out.println();
        out.printf(Locale.ROOT, "bison-backfill: %d/%d clients exact, %d/%d reconciled, %d rows, %d month to date;"
                        + " %d workspace-context violations detected, %d recovered; %d run(s)%n",
                result.correctClients(), result.clients().size(), reconciled, result.clients().size(),
                report.totalRowsWritten(), mtd, violations, recovered, result.runs());
        out.printf(Locale.ROOT, "seed procedure: %d/%d clients contaminated with other workspaces' leads (%d rows),"
                        + " %d not-interested rows, %d interested leads missing%n",
                result.seedContaminatedClients(), result.clients().size(), seedForeign, seedNotInterested, seedMissing);
        out.printf(Locale.ROOT, "the other actor switched the super-admin user %d times; demo took %.1f s%n",
                result.foreignSwitches(), result.duration().toMillis() / 1000.0);
    }
}
