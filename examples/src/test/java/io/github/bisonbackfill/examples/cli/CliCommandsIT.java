package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import io.github.bisonbackfill.core.ClientLeadsSchema;
import io.github.bisonbackfill.core.LeadDedup;
import io.github.bisonbackfill.examples.webhook.WebhookServer;
import io.github.bisonbackfill.supabase.Filter;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.testing.LocalSupabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every command in-process against the simulator and the real PostgREST: a temp config file and an
 * environment map (the real environment is never touched).
 */
class CliCommandsIT {
    static LocalSupabase db;
    static BisonSimulator sim;
    static SupabaseWriter reader;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        db = LocalSupabase.fromEnvironment();
        reader = db.writer().build();
        // Ids collide across the two instances, as on real agencies.
        sim = BisonSimulator.builder().seed(77)
                .instance("alpha", i -> i.workspace(101, "Harbor Insurance, LLC", 40, 10).workspace(102, "Café Ñandú", 18, 5))
                .instance("beta", i -> i.workspace(101, "O'Brien & Sons, LLC", 25, 5).workspace(102, "Zürich Dental", 9, 3))
                .start();
    }

    @AfterAll
    static void stop() {
        sim.close();
        reader.close();
    }

    String table() {
        String t = db.uniqueName("cli");
        db.ddl(ClientLeadsSchema.sql(t), t);
        return t;
    }

    /** alpha: super-admin key only; beta: api-user keys (BETA_101, BETA_102) for its clients. */
    Path config(String table, String extraRun) {
        SimulatedInstance a = sim.instance("alpha");
        SimulatedInstance b = sim.instance("beta");
        String json = """
                {
                  "instances": [
                    {"name": "alpha", "base_url": "%s", "super_admin_key_env": "ALPHA_ADMIN", "settle_delay": "20ms",
                     "requests_per_second": 500, "max_concurrent_requests": 8},
                    {"name": "beta", "base_url": "%s", "super_admin_key_env": "BETA_ADMIN", "requests_per_second": 500}
                  ],
                  "clients": [
                    {"name": "Harbor Insurance, LLC", "instance": "alpha", "workspace_id": 101},
                    {"name": "Café Ñandú", "instance": "alpha", "workspace_id": 102},
                    {"name": "O'Brien & Sons, LLC", "instance": "beta", "workspace_id": 101, "api_key_env": "BETA_101"},
                    {"name": "Zürich Dental", "instance": "beta", "workspace_id": 102, "api_key_env": "BETA_102"}
                  ],
                  "supabase": {"rest_url": "%s", "key_env": "TEST_SUPABASE_KEY", "table": "%s"},
                  "run": {"clients_per_batch": 2, "time_zone": "UTC"%s},
                  "webhook": {"secret_env": "TEST_HOOK_SECRET"}
                }
                """.formatted(a.baseUrl(), b.baseUrl(), db.restUrl(), table, extraRun);
        return Cli.write(dir, "config.json", json);
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("ALPHA_ADMIN", sim.instance("alpha").superAdminKey());
        env.put("BETA_ADMIN", sim.instance("beta").superAdminKey());
        env.put("BETA_101", sim.instance("beta").mintApiUserKey(101));
        env.put("BETA_102", sim.instance("beta").mintApiUserKey(102));
        env.put("TEST_SUPABASE_KEY", db.serviceRoleKey());
        env.put("TEST_HOOK_SECRET", "cli-test-hook-secret-0123456789");
        return env;
    }

    Map<String, Long> rows(String table, String client) {
        Map<String, Long> out = new TreeMap<>();
        reader.select(table, "lead_email,bison_reply_id", Filter.eq("workspace_name", client))
                .forEach(r -> out.put((String) r.get("lead_email"), ((Number) r.get("bison_reply_id")).longValue()));
        return out;
    }

    static Map<String, Long> expected(SimulatedInstance inst, long ws) {
        Map<String, Long> out = new TreeMap<>();
        LeadDedup.apply(inst.interestedReplies(ws)).leads().forEach(l -> out.put(l.email(), l.reply().id()));
        return out;
    }

    @Test
    void backfill_thenVerify_thenKpi_endToEnd_andVerifyFailsOnAMismatch() throws Exception {
        String table = table();
        Path cfg = config(table, ", \"checkpoint_file\": \"checkpoint.json\"");
        Map<String, String> env = env();
        Path report = dir.resolve("report.json");

        Cli.Result r = Cli.run(env, "backfill", "--config", cfg.toString(), "--report", report.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(rows(table, "Harbor Insurance, LLC")).isEqualTo(expected(sim.instance("alpha"), 101));
        assertThat(rows(table, "Café Ñandú")).isEqualTo(expected(sim.instance("alpha"), 102));
        assertThat(rows(table, "O'Brien & Sons, LLC")).isEqualTo(expected(sim.instance("beta"), 101));
        assertThat(rows(table, "Zürich Dental")).isEqualTo(expected(sim.instance("beta"), 102));
        assertThat(r.out()).contains("COMPLETED").containsPattern("Harbor Insurance, LLC\\s+alpha\\s+super-admin")
                .containsPattern("O'Brien & Sons, LLC\\s+beta\\s+api-user key");
        assertThat(Files.readString(report)).contains("\"runId\"");
        assertThat(dir.resolve("checkpoint.json")).exists();
        assertThat(r.out() + r.err()).doesNotContain(db.serviceRoleKey()).doesNotContain(env.get("BETA_101"));

        Cli.Result v = Cli.run(env, "verify", "-c", cfg.toString());
        assertThat(v.exit()).as(v.toString()).isZero();
        assertThat(v.out()).contains("all 4 clients match");

        Cli.Result k = Cli.run(env, "kpi", "-c", cfg.toString(), "--out", dir.resolve("kpi").toString());
        assertThat(k.exit()).as(k.toString()).isZero();
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        String csv = Files.readString(dir.resolve("kpi/kpi-" + month + ".csv"));
        assertThat(csv).startsWith(String.join(",", io.github.bisonbackfill.core.KpiReport.CSV_HEADERS) + "\r\n");
        assertThat(csv).contains(",alpha,101,\"Harbor Insurance, LLC\"," + expected(sim.instance("alpha"), 101).size() + ",");
        io.github.bisonbackfill.core.KpiReport kpi = io.github.bisonbackfill.core.KpiReport.fromJson(
                Files.readString(dir.resolve("kpi/kpi-" + month + ".json")));
        assertThat(kpi.rows()).hasSize(4);
        assertThat(kpi.rows()).filteredOn(row -> row.client().equals("Zürich Dental")).singleElement()
                .satisfies(row -> assertThat(row.leads()).isEqualTo(expected(sim.instance("beta"), 102).size()));
        // Month-to-date rows in the table equal Email Bison's unique leads of the month (same rule).
        assertThat(kpi.rows()).allSatisfy(row -> {
            assertThat(row.rowsInWindow()).isNotNull();
            assertThat(row.rowsInWindow()).isEqualTo(row.ebUniqueLeads());
        });

        db.sql("delete from " + table + " where ctid in (select ctid from " + table
                + " where workspace_name = 'Café Ñandú' limit 2)");
        Cli.Result bad = Cli.run(env, "verify", "-c", cfg.toString());
        assertThat(bad.exit()).as(bad.toString()).isEqualTo(1);
        assertThat(bad.out()).containsPattern("Café Ñandú\\s+alpha\\s+" + expected(sim.instance("alpha"), 102).size()
                + "\\s+" + (expected(sim.instance("alpha"), 102).size() - 2) + "\\s+-2\\s+\\d+\\s+MISMATCH")
                .contains("1 of 4 clients do not match");

        Cli.Result one = Cli.run(env, "backfill", "-c", cfg.toString(), "--client", "Café Ñandú");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(Cli.run(env, "verify", "-c", cfg.toString()).exit()).isZero();
        db.dropTable(table);
    }

    @Test
    void backfill_sinceLast_readsOnlyTheNewestPages_andWritesTheNewLeads() {
        String table = table();
        Path cfg = config(table, ", \"checkpoint_file\": \"checkpoint.json\"");
        Map<String, String> env = env();
        Cli.Result full = Cli.run(env, "backfill", "-c", cfg.toString());
        assertThat(full.exit()).as(full.toString()).isZero();
        SimulatedInstance beta = sim.instance("beta");
        beta.addReplies(101, 3, true);
        sim.clearRequestLog();

        Cli.Result r = Cli.run(env, "backfill", "-c", cfg.toString(), "--since-last", "--catch-up-margin", "5",
                "--client", "O'Brien & Sons, LLC");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("catch-up");
        assertThat(rows(table, "O'Brien & Sons, LLC")).isEqualTo(expected(beta, 101));
        long repliesRequests = sim.requestLog().stream()
                .filter(q -> q.instance().equals("beta") && q.endpoint() == Endpoint.REPLIES).count();
        assertThat(repliesRequests).as("replies pages read by the catch-up").isBetween(1L, 2L);
        assertThat(Cli.run(env, "backfill", "-c", cfg.toString(), "--since-last", "--resume").exit()).isEqualTo(2);
        assertThat(Cli.run(env, "backfill", "-c", cfg.toString(), "--catch-up-margin", "5").exit()).isEqualTo(2);
        db.dropTable(table);
    }

    @Test
    void backfill_dryRun_writesNothing_andAnUnknownClientIsAUsageError() {
        String table = table();
        Path cfg = config(table, "");
        Cli.Result r = Cli.run(env(), "backfill", "-c", cfg.toString(), "--dry-run", "--client", "Zürich Dental");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("DRY_RUN").contains("dry run");
        assertThat(db.sqlCount(table)).isZero();

        Cli.Result u = Cli.run(env(), "backfill", "-c", cfg.toString(), "--client", "Zurich Dental");
        assertThat(u.exit()).isEqualTo(2);
        assertThat(u.err()).contains("--client: no client named \"Zurich Dental\"");
        db.dropTable(table);
    }

    @Test
    void backfill_withARevokedKey_failsThatClient_exit1_othersWritten() {
        String table = table();
        Path cfg = config(table, "");
        Map<String, String> env = env();
        sim.instance("beta").revokeKey(env.get("BETA_102"));
        Cli.Result r = Cli.run(env, "backfill", "-c", cfg.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).containsPattern("Zürich Dental\\s+beta.*FAILED");
        assertThat(r.err()).contains("1 client(s) failed");
        assertThat(rows(table, "O'Brien & Sons, LLC")).isEqualTo(expected(sim.instance("beta"), 101));
        assertThat(rows(table, "Zürich Dental")).isEmpty();
        db.dropTable(table);
    }

    @Test
    void mintKeys_printsExportLines_andTheKeysReadTheirWorkspacesWithoutSwitching() {
        String table = table();
        Path cfg = config(table, "");
        Map<String, String> env = env();
        env.remove("BETA_101");
        env.remove("BETA_102");
        Cli.Result m = Cli.run(env, "mint-keys", "-c", cfg.toString());
        assertThat(m.exit()).as(m.toString()).isZero();
        Matcher exports = Pattern.compile("(?m)^export (BETA_10[12])='([^']+)'$").matcher(m.out());
        while (exports.find()) {
            env.put(exports.group(1), exports.group(2));
        }
        assertThat(env).containsKeys("BETA_101", "BETA_102");
        assertThat(m.out().lines()).hasSize(2);
        assertThat(m.err()).contains("skipped clients[0] (Harbor Insurance, LLC): no api_key_env")
                .contains("2 key(s) created").doesNotContain(env.get("BETA_101"));
        long switchesBefore = sim.instance("beta").counters().switchRequests();

        Cli.Result b = Cli.run(env, "backfill", "-c", cfg.toString(), "--client", "O'Brien & Sons, LLC", "--client", "Zürich Dental");
        assertThat(b.exit()).as(b.toString()).isZero();
        assertThat(b.out()).containsPattern("Zürich Dental\\s+beta\\s+api-user key");
        assertThat(rows(table, "Zürich Dental")).isEqualTo(expected(sim.instance("beta"), 102));
        assertThat(sim.instance("beta").counters().switchRequests()).isEqualTo(switchesBefore);

        Cli.Result again = Cli.run(env, "mint-keys", "-c", cfg.toString());
        assertThat(again.exit()).isZero();
        assertThat(again.out()).isEmpty();
        assertThat(again.err()).contains("BETA_101 is already set (--force to replace it)");
        db.dropTable(table);
    }

    @Test
    void webhookServer_writesADeliveryForAConfiguredClient() throws Exception {
        String table = table();
        String host = "send-" + table.replace('_', '-') + ".agency.example";
        String json = """
                {"instances": [{"name": "agency-main", "base_url": "https://%s", "super_admin_key_env": "UNUSED"}],
                 "clients": [{"name": "Harbor Insurance, LLC", "instance": "agency-main", "workspace_id": 37}],
                 "supabase": {"rest_url": "%s", "key_env": "TEST_SUPABASE_KEY", "table": "%s"},
                 "webhook": {"secret_env": "TEST_HOOK_SECRET"}}
                """.formatted(host, db.restUrl(), table);
        Path cfg = Cli.write(dir, "hook.json", json);
        AtomicReference<WebhookServer> server = new AtomicReference<>();
        CompletableFuture<WebhookServer> started = new CompletableFuture<>();
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> Cli.run(env(),
                cli -> cli.onWebhookServerStarted(s -> {
                    server.set(s);
                    started.complete(s);
                }), "webhook-server", "-c", cfg.toString(), "--port", "0"));
        WebhookServer s;
        try {
            s = started.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("server did not start: " + (run.isDone() ? run.get() : "still running"), e);
        }
        String body;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/webhooks/lead_interested.json")) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("send.agency.example", host);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(s.uri() + "?token=cli-test-hook-secret-0123456789"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> unauthorized = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(s.uri() + "?token=wrong-secret-0123456789"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        s.close();
        Cli.Result r = run.get(20, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("webhook server listening on http://127.0.0.1:").contains("webhook server stopped")
                .doesNotContain("cli-test-hook-secret");
        assertThat(rows(table, "Harbor Insurance, LLC")).containsEntry("dana.ortiz@acme-logistics.example", 88412L);
        db.dropTable(table);
    }

    @Test
    void webhookServer_withoutTheSecretVariable_isAConfigError() {
        Path cfg = config("client_leads", "");
        Map<String, String> env = env();
        env.remove("TEST_HOOK_SECRET");
        Cli.Result r = Cli.run(env, "webhook-server", "-c", cfg.toString(), "--port", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("config error: webhook.secret_env: environment variable TEST_HOOK_SECRET is not set");
    }

    @Test
    void schema_printsTheScriptForTheConfiguredTable_andItCreatesAWorkingTable() {
        String t = db.uniqueName("schema");
        Cli.Result r = Cli.run(Map.of(), "schema", "--table", t);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(ClientLeadsSchema.sql(t));
        db.ddl(r.out(), t);
        assertThat(db.sqlCount(t)).isZero();
        db.dropTable(t);
        assertThat(Cli.run(Map.of(), "schema", "--table", "Bad-Name").exit()).isEqualTo(2);
        assertThat(List.of(Cli.run(Map.of(), "schema").out())).allMatch(s -> s.equals(ClientLeadsSchema.sql()));
    }

    /** Rows in the window per client of a KPI report, clients with 0 left out (the view has no row for them). */
    static Map<String, Long> nonZeroRowsInWindow(io.github.bisonbackfill.core.KpiReport kpi) {
        Map<String, Long> out = new TreeMap<>();
        kpi.rows().forEach(r -> {
            assertThat(r.rowsInWindow()).as(r.client()).isNotNull();
            if (r.rowsInWindow() > 0) {
                out.put(r.client(), r.rowsInWindow());
            }
        });
        return out;
    }

    /** {@code name=count} lines of psql into a map. */
    static Map<String, Long> pairs(String psqlOutput) {
        Map<String, Long> out = new TreeMap<>();
        for (String line : psqlOutput.split("\n")) {
            if (!line.isBlank()) {
                out.put(line.substring(0, line.lastIndexOf('=')), Long.parseLong(line.substring(line.lastIndexOf('=') + 1)));
            }
        }
        return out;
    }

    @Test
    void kpi_twoMonthsStackUnderOneHeader_jsonAndCsvHoldTheSameRows_theViewCountsTheSame_andSaveAppends() throws Exception {
        String table = table();
        Path cfg = config(table, "");
        Map<String, String> env = env();
        assertThat(Cli.run(env, "backfill", "-c", cfg.toString()).exit()).isZero();
        String zone = "America/Los_Angeles";
        YearMonth m1 = YearMonth.now(ZoneOffset.UTC).minusMonths(1);
        YearMonth m2 = m1.minusMonths(1);
        Path out = dir.resolve("kpi");
        for (YearMonth m : List.of(m2, m1)) {
            Cli.Result k = Cli.run(env, "kpi", "-c", cfg.toString(), "--month", m.toString(), "--zone", zone, "--out", out.toString());
            assertThat(k.exit()).as(k.toString()).isZero();
        }
        String csv2 = Files.readString(out.resolve("kpi-" + m2 + ".csv"));
        String csv1 = Files.readString(out.resolve("kpi-" + m1 + ".csv"));
        var json2 = io.github.bisonbackfill.core.KpiReport.fromJson(Files.readString(out.resolve("kpi-" + m2 + ".json")));
        var json1 = io.github.bisonbackfill.core.KpiReport.fromJson(Files.readString(out.resolve("kpi-" + m1 + ".json")));
        // Same header whatever the month; the second file without its header stacks under the first.
        String header = String.join(",", io.github.bisonbackfill.core.KpiReport.CSV_HEADERS) + "\r\n";
        assertThat(csv2).startsWith(header);
        assertThat(csv1).startsWith(header);
        var stacked = io.github.bisonbackfill.core.KpiReport.fromCsv(csv2 + csv1.substring(header.length()));
        List<io.github.bisonbackfill.core.KpiRow> both = new java.util.ArrayList<>(json2.rows());
        both.addAll(json1.rows());
        assertThat(stacked.rows()).hasSize(8).isEqualTo(both);
        // The CSV and the JSON of one month hold the same rows.
        assertThat(io.github.bisonbackfill.core.KpiReport.fromCsv(csv1).rows()).isEqualTo(json1.rows());
        assertThat(json1.rows()).allSatisfy(r -> {
            assertThat(r.month()).isEqualTo(m1);
            assertThat(r.zone().getId()).isEqualTo(zone);
            assertThat(r.error()).isNull();
        });
        Map<String, Long> kpiCounts = nonZeroRowsInWindow(json1);
        assertThat(kpiCounts).as("the simulated replies cover " + m1).isNotEmpty();

        // The shipped function, in SQL and through PostgREST, counts what kpi counted for that zone and month.
        assertThat(pairs(db.sql("select workspace_name || '=' || leads from " + table + "_monthly('" + zone
                + "') where month = '" + m1 + "'"))).isEqualTo(kpiCounts);
        HttpResponse<String> rpc = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            rpc = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(db.restUrl() + "/rpc/" + table
                            + "_monthly?zone=" + java.net.URLEncoder.encode(zone, StandardCharsets.UTF_8) + "&month=eq." + m1))
                    .header("apikey", db.serviceRoleKey()).header("Authorization", "Bearer " + db.serviceRoleKey())
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (rpc.statusCode() != 404) {
                break;
            }
            Thread.sleep(100); // PostgREST's schema cache is reloaded asynchronously after the script
        }
        assertThat(rpc.statusCode()).as(rpc.body()).isEqualTo(200);
        Map<String, Long> viaRest = new TreeMap<>();
        for (var node : new com.fasterxml.jackson.databind.ObjectMapper().readTree(rpc.body())) {
            viaRest.put(node.get("workspace_name").asText(), node.get("leads").asLong());
        }
        assertThat(viaRest).isEqualTo(kpiCounts);

        // The UTC view against kpi --json in UTC (standard output holds the JSON envelope alone).
        Cli.Result utc = Cli.run(env, "kpi", "-c", cfg.toString(), "--month", m1.toString(), "--zone", "UTC", "--json");
        assertThat(utc.exit()).as(utc.toString()).isZero();
        assertThat(utc.out()).startsWith("{").contains("\"schemaVersion\" : 1").contains("\"command\" : \"kpi\"");
        var utcKpi = io.github.bisonbackfill.core.KpiReport.fromJson(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(utc.out()).path("result").toString());
        assertThat(pairs(db.sql("select workspace_name || '=' || leads from " + table + "_monthly_utc where month = '"
                + m1 + "'"))).isEqualTo(nonZeroRowsInWindow(utcKpi));

        // --save appends one row per client to client_kpi_runs, under one kpi_run_id.
        db.reloadSchema(ClientLeadsSchema.KPI_RUNS_TABLE);
        Cli.Result saved = Cli.run(env, "kpi", "-c", cfg.toString(), "--month", m1.toString(), "--zone", zone, "--save");
        assertThat(saved.exit()).as(saved.toString()).isZero();
        Matcher id = Pattern.compile("kpi_run_id ([0-9a-f-]{36})").matcher(saved.out());
        assertThat(id.find()).as(saved.out()).isTrue();
        Map<String, Long> stored = pairs(db.sql("select client || '=' || rows_in_window from "
                + ClientLeadsSchema.KPI_RUNS_TABLE + " where kpi_run_id = '" + id.group(1) + "' and rows_in_window > 0"));
        assertThat(stored).isEqualTo(kpiCounts);
        assertThat(db.sql("select count(*) || ' ' || count(distinct client) || ' ' || min(month) || ' ' || min(zone) from "
                + ClientLeadsSchema.KPI_RUNS_TABLE + " where kpi_run_id = '" + id.group(1) + "'"))
                .isEqualTo("4 4 " + m1 + " " + zone);
    }

    @Test
    void kpiHtml_inHeadlessChromium_oneCurrentBarPerClient_theMismatchHighlighted_sortable_noConsoleError() throws Exception {
        String table = table();
        Path cfg = config(table, "");
        Map<String, String> env = env();
        Path runPage = dir.resolve("run.html");
        assertThat(Cli.run(env, "backfill", "-c", cfg.toString(), "--html", runPage.toString()).exit()).isZero();
        YearMonth m1 = YearMonth.now(ZoneOffset.UTC).minusMonths(1);
        // Café Ñandú loses one row of that month: the table no longer matches Email Bison's unique leads.
        db.sql("delete from " + table + " where ctid in (select ctid from " + table + " where workspace_name = 'Café Ñandú'"
                + " and date_received >= '" + m1.atDay(1) + "T00:00:00Z' and date_received < '" + m1.plusMonths(1).atDay(1)
                + "T00:00:00Z' limit 1)");
        Path page = dir.resolve("kpi.html");
        Cli.Result k = Cli.run(env, "kpi", "-c", cfg.toString(), "--month", m1.toString(), "--zone", "UTC", "--html",
                page.toString(), "--history", "3");
        assertThat(k.exit()).as(k.toString()).isZero();
        String html = Files.readString(page);
        // Self-contained: nothing is loaded from anywhere.
        assertThat(html).doesNotContainPattern("(?i)(src|href)\\s*=").doesNotContain("http://").doesNotContain("https://")
                .contains("<svg").contains("UTC");

        Path screenshots = Path.of("target", "screenshots");
        Files.createDirectories(screenshots);
        org.openqa.selenium.chrome.ChromeDriver browser = io.github.bisonbackfill.examples.report.HeadlessChromium.start(
                dir.resolve("chromium-profile"));
        try {
            browser.get(page.toUri().toString());
            var clients = browser.findElements(org.openqa.selenium.By.cssSelector("tr.client"));
            var current = browser.findElements(org.openqa.selenium.By.cssSelector("rect.bar-current"));
            var previous = browser.findElements(org.openqa.selenium.By.cssSelector("rect.bar-previous"));
            assertThat(clients).hasSize(4);
            assertThat(current).hasSize(clients.size());
            assertThat(previous).hasSize(3 * clients.size());
            assertThat(current).allSatisfy(bar -> assertThat(bar.getRect().getHeight()).isPositive());
            // The mismatch: exactly Café Ñandú's row, highlighted red with its flag.
            var mismatched = browser.findElements(org.openqa.selenium.By.cssSelector("tr.mismatch"));
            assertThat(mismatched).singleElement().satisfies(row -> {
                assertThat(row.getAttribute("data-client")).isEqualTo("Café Ñandú");
                assertThat(row.getCssValue("background-color")).isEqualTo("rgba(255, 245, 245, 1)");
                assertThat(row.getText()).contains("MISMATCH -1");
                assertThat(row.findElement(org.openqa.selenium.By.cssSelector("rect.bar-current")).getCssValue("fill"))
                        .isEqualTo("rgb(229, 62, 62)");
            });
            assertThat(clients.get(0).getCssValue("background-color")).isNotEqualTo("rgba(255, 245, 245, 1)");
            // Sorting by count, then by client.
            browser.findElement(org.openqa.selenium.By.xpath("//th[text()='Rows in window']")).click();
            List<Long> counts = browser.findElements(org.openqa.selenium.By.cssSelector("tr.client td:nth-child(3)")).stream()
                    .map(td -> Long.parseLong(td.getText())).toList();
            assertThat(counts).isSorted().hasSize(4);
            browser.findElement(org.openqa.selenium.By.xpath("//th[text()='Client']")).click();
            List<String> names = browser.findElements(org.openqa.selenium.By.cssSelector("tr.client td:nth-child(1)"))
                    .stream().map(org.openqa.selenium.WebElement::getText).toList();
            assertThat(names).containsExactly("Café Ñandú", "Harbor Insurance, LLC", "O'Brien & Sons, LLC", "Zürich Dental");
            Object resources = browser.executeScript("return performance.getEntriesByType('resource').length");
            assertThat(((Number) resources).longValue()).as("resources fetched by the page").isZero();
            Files.write(screenshots.resolve("kpi-report.png"), browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
            var severe = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()).toList();
            assertThat(severe).as("browser console of the KPI page").isEmpty();

            // The run summary of backfill --html renders too: one row per client, all completed.
            browser.get(runPage.toUri().toString());
            assertThat(browser.findElements(org.openqa.selenium.By.cssSelector("tr.client"))).hasSize(4);
            assertThat(browser.findElements(org.openqa.selenium.By.cssSelector("td.outcome")))
                    .allSatisfy(td -> assertThat(td.getText()).startsWith("COMPLETED"));
            Files.write(screenshots.resolve("run-report.png"), browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
            assertThat(browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()).toList())
                    .as("browser console of the run page").isEmpty();

            // The console check can fail: an error the page logs is seen.
            browser.executeScript("console.error('probe from the test')");
            assertThat(browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll())
                    .anySatisfy(e -> assertThat(e.getMessage()).contains("probe from the test"));
        } finally {
            browser.quit();
        }
        assertThat(screenshots.resolve("kpi-report.png")).isNotEmptyFile();
    }
}
