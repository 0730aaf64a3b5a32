package io.github.bisonbackfill.examples.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import io.github.bisonbackfill.core.ClientLeadsSchema;
import io.github.bisonbackfill.core.LeadDedup;
import io.github.bisonbackfill.core.SupabaseCheckpointStore;
import io.github.bisonbackfill.supabase.Filter;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.testing.LocalSupabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI as a scheduler runs it: results (and --json documents) alone on standard output, progress
 * on standard error with time stamps, the version from the build, one-line summaries, completion,
 * and checkpoints kept in Supabase so that --resume and --since-last survive an empty runner.
 * Against the simulator and the real PostgREST.
 */
class CliUnattendedIT {
    /** Standard output must be one JSON document and nothing else (trailing text fails too). */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static LocalSupabase db;
    static BisonSimulator sim;
    static SupabaseWriter reader;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        db = LocalSupabase.fromEnvironment();
        reader = db.writer().build();
        sim = BisonSimulator.builder().seed(1313)
                .instance("alpha", i -> i.workspace(101, "Harbor Insurance, LLC", 30, 8).workspace(102, "Café Ñandú", 14, 4))
                .instance("beta", i -> i.workspace(201, "O'Brien & Sons, LLC", 22, 5).workspace(202, "Zürich Dental", 9, 3))
                .start();
    }

    @AfterAll
    static void stop() {
        sim.close();
        reader.close();
    }

    String table() {
        String t = db.uniqueName("cliu");
        db.ddl(ClientLeadsSchema.sql(t), t, SupabaseCheckpointStore.tableFor(t));
        return t;
    }

    /** alpha: super-admin key; beta: api-user keys. {@code run} is the run section's body. */
    Path config(Path in, String table, String run) {
        String json = """
                {
                  "instances": [
                    {"name": "alpha", "base_url": "%s", "super_admin_key_env": "ALPHA_ADMIN", "settle_delay": "20ms",
                     "requests_per_second": 500, "max_concurrent_requests": 8},
                    {"name": "beta", "base_url": "%s", "requests_per_second": 500}
                  ],
                  "clients": [
                    {"name": "Harbor Insurance, LLC", "instance": "alpha", "workspace_id": 101},
                    {"name": "Café Ñandú", "instance": "alpha", "workspace_id": 102},
                    {"name": "O'Brien & Sons, LLC", "instance": "beta", "workspace_id": 201, "api_key_env": "BETA_201"},
                    {"name": "Zürich Dental", "instance": "beta", "workspace_id": 202, "api_key_env": "BETA_202"}
                  ],
                  "supabase": {"rest_url": "%s", "key_env": "TEST_SUPABASE_KEY", "table": "%s"},
                  "run": {%s}
                }
                """.formatted(sim.instance("alpha").baseUrl(), sim.instance("beta").baseUrl(), db.restUrl(), table, run);
        try {
            Files.createDirectories(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Cli.write(in, "config.json", json);
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("ALPHA_ADMIN", sim.instance("alpha").superAdminKey());
        env.put("BETA_201", sim.instance("beta").mintApiUserKey(201));
        env.put("BETA_202", sim.instance("beta").mintApiUserKey(202));
        env.put("TEST_SUPABASE_KEY", db.serviceRoleKey());
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

    /** Every object key in the tree. */
    static List<String> keys(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.add(e.getKey());
                out.addAll(keys(e.getValue()));
            }
        } else if (node.isArray()) {
            node.forEach(n -> out.addAll(keys(n)));
        }
        return out;
    }

    /** Standard output is exactly one JSON document in the envelope, every key camelCase. */
    static JsonNode document(Cli.Result r, String command) throws IOException {
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.path("schemaVersion").asInt()).as(r.toString()).isEqualTo(JsonOutput.SCHEMA_VERSION);
        assertThat(doc.path("command").asText()).isEqualTo(command);
        assertThat(doc.path("version").asText()).isEqualTo(CliVersion.version());
        assertThat(doc.path("exitCode").asInt()).isEqualTo(r.exit());
        assertThat(doc.path("ok").asBoolean()).isEqualTo(r.exit() == 0);
        assertThat(keys(doc)).isNotEmpty().allSatisfy(k -> assertThat(k).matches("[a-z][A-Za-z0-9]*"));
        return doc;
    }

    @Test
    void json_onBackfillVerifyAndKpi_isOneDocumentOnStdout_progressAndSummaryOnStderrWithTimestamps() throws Exception {
        String table = table();
        Path cfg = config(dir, table, "\"checkpoint_file\": \"checkpoint.json\"");
        Map<String, String> env = env();

        Cli.Result b = Cli.run(env, "backfill", "-c", cfg.toString(), "--json");
        assertThat(b.exit()).as(b.toString()).isZero();
        JsonNode report = document(b, "backfill").path("result");
        assertThat(report.path("runId").asText()).isNotBlank();
        assertThat(report.path("clients")).hasSize(4);
        assertThat(report.path("clients").findValuesAsText("outcome")).containsOnly("COMPLETED");
        assertThat(sumRows(report))
                .isEqualTo(expected(sim.instance("alpha"), 101).size() + expected(sim.instance("alpha"), 102).size()
                        + expected(sim.instance("beta"), 201).size() + expected(sim.instance("beta"), 202).size());
        // Progress went to stderr, every line stamped; the text summary too.
        List<String> progress = b.err().lines().filter(l -> l.contains(": started")).toList();
        assertThat(progress).hasSize(4).allSatisfy(l -> assertThat(l).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z .*"));
        assertThat(b.err()).contains("Backfill report");
        assertThat(b.out()).doesNotContain(": started").doesNotContain("Backfill report");

        Cli.Result v = Cli.run(env, "verify", "-c", cfg.toString(), "--json");
        assertThat(v.exit()).as(v.toString()).isZero();
        JsonNode rec = document(v, "verify").path("result");
        assertThat(rec.path("allMatch").asBoolean()).isTrue();
        assertThat(rec.path("clients")).hasSize(4);
        JsonNode harbor = rec.path("clients").get(0);
        assertThat(harbor.path("client").asText()).isEqualTo("Harbor Insurance, LLC");
        assertThat(harbor.path("status").asText()).isEqualTo("OK");
        assertThat(harbor.path("supabaseRows").asLong()).isEqualTo(expected(sim.instance("alpha"), 101).size());

        Cli.Result k = Cli.run(env, "kpi", "-c", cfg.toString(), "--json");
        assertThat(k.exit()).as(k.toString()).isZero();
        JsonNode kpi = document(k, "kpi").path("result");
        assertThat(kpi.path("kind").asText()).isEqualTo("kpi");
        assertThat(kpi.path("rows")).hasSize(4);
        assertThat(kpi.path("rows").get(3).path("client").asText()).isEqualTo("Zürich Dental");
        assertThat(kpi.path("rows").get(3).path("leads").asLong()).isEqualTo(expected(sim.instance("beta"), 202).size());
        assertThat(k.err()).contains("KPIs for");

        // A mismatch: exit 1, and the document says so.
        db.sql("delete from " + table + " where ctid in (select ctid from " + table + " where workspace_name = 'Café Ñandú' limit 1)");
        Cli.Result bad = Cli.run(env, "verify", "-c", cfg.toString(), "--json");
        assertThat(bad.exit()).isEqualTo(1);
        JsonNode badDoc = document(bad, "verify");
        assertThat(badDoc.path("ok").asBoolean()).isFalse();
        assertThat(badDoc.path("result").path("clients").get(1).path("difference").asLong()).isEqualTo(-1);
        db.dropTable(table);
    }

    static long sumRows(JsonNode report) {
        long n = 0;
        for (JsonNode c : report.path("clients")) {
            n += c.path("write").path("rowsWritten").asLong();
        }
        return n;
    }

    @Test
    void supabaseCheckpoints_resumeAndCatchUpOnAnEmptyRunner_withoutAnyLocalFile() throws Exception {
        String table = table();
        Map<String, String> env = env();
        String run = "\"checkpoints\": \"supabase\", \"lock_dir\": \"locks\"";

        // Run 1 on "runner 1": Zürich Dental fails (its key was revoked), the others complete.
        Path runner1 = dir.resolve("runner-1");
        Map<String, String> broken = new HashMap<>(env);
        broken.put("BETA_202", sim.instance("beta").mintApiUserKey(202));
        sim.instance("beta").revokeKey(broken.get("BETA_202"));
        Cli.Result first = Cli.run(broken, "backfill", "-c", config(runner1, table, run).toString());
        assertThat(first.exit()).as(first.toString()).isEqualTo(1);
        assertThat(first.err()).contains("1 client(s) failed: fix the cause and run again with --resume");
        assertThat(rows(table, "Zürich Dental")).isEmpty();
        assertThat(db.sqlCount(SupabaseCheckpointStore.tableFor(table))).as("4 clients + the run entry").isEqualTo(5);
        // Nothing but the config (and the lock directory) was left on the runner's disk.
        try (Stream<Path> files = Files.walk(runner1)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.equals("config.json") || n.startsWith("bison-session-"));
        }

        // Run 2 on a fresh "runner 2" (nothing of runner 1): --resume reads only the failed client.
        Path runner2 = dir.resolve("runner-2");
        sim.clearRequestLog();
        Cli.Result resumed = Cli.run(env, "backfill", "-c", config(runner2, table, run).toString(), "--resume", "--json");
        assertThat(resumed.exit()).as(resumed.toString()).isZero();
        assertThat(rows(table, "Zürich Dental")).isEqualTo(expected(sim.instance("beta"), 202));
        assertThat(sim.requestLog().stream().filter(q -> q.endpoint() == Endpoint.REPLIES).map(q -> q.instance() + "/" + q.workspaceId()))
                .as("only the failed client is read again").isNotEmpty().containsOnly("beta/202");
        JsonNode clients = JSON.readTree(resumed.out()).path("result").path("clients");
        assertThat(clients.findValuesAsText("outcome")).containsExactlyInAnyOrder("SKIPPED_ALREADY_DONE", "SKIPPED_ALREADY_DONE",
                "SKIPPED_ALREADY_DONE", "COMPLETED");

        // Run 3 on another fresh runner: --since-last catches up from the marks kept in the table.
        SimulatedInstance beta = sim.instance("beta");
        beta.addReplies(201, 3, true);
        sim.clearRequestLog();
        Path runner3 = dir.resolve("runner-3");
        Cli.Result caughtUp = Cli.run(env, "backfill", "-c", config(runner3, table, run).toString(), "--since-last",
                "--catch-up-margin", "5", "--client", "O'Brien & Sons, LLC");
        assertThat(caughtUp.exit()).as(caughtUp.toString()).isZero();
        assertThat(caughtUp.out()).contains("catch-up");
        assertThat(rows(table, "O'Brien & Sons, LLC")).isEqualTo(expected(beta, 201));
        assertThat(sim.requestLog().stream().filter(q -> q.instance().equals("beta") && q.endpoint() == Endpoint.REPLIES).toList())
                .as("replies pages read by the catch-up").hasSizeBetween(1, 2);
        db.dropTable(table);
        db.dropTable(SupabaseCheckpointStore.tableFor(table));
    }

    @Test
    void supabaseCheckpoints_withoutTheTable_failAtOnceNamingTheFix() {
        String table = db.uniqueName("cliu_nock");
        db.ddl(ClientLeadsSchema.sql(table), table);
        db.dropTable(SupabaseCheckpointStore.tableFor(table));
        db.reloadSchema();
        Cli.Result r = Cli.run(env(), "backfill", "-c", config(dir, table, "\"checkpoints\": \"supabase\"").toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("checkpoint table " + table + "_checkpoints does not exist")
                .contains("run the schema script once");
        assertThat(db.sqlCount(table)).isZero();
        db.dropTable(table);
    }

    @Test
    void version_help_andCompletion() {
        Cli.Result v = Cli.run(Map.of(), "--version");
        assertThat(v.exit()).isZero();
        assertThat(v.out()).startsWith("bison-backfill " + CliVersion.version() + "\n");
        assertThat(CliVersion.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");

        Cli.Result h = Cli.run(Map.of(), "--help");
        assertThat(h.exit()).isZero();
        // Every command listed on one line with its whole one-sentence summary.
        for (String command : List.of("demo", "backfill", "verify", "kpi", "mint-keys", "webhook-server", "schema",
                "generate-completion")) {
            assertThat(h.out().lines().filter(l -> l.strip().startsWith(command + " ")))
                    .as(command).singleElement().satisfies(l -> assertThat(l.strip()).endsWith("."));
        }

        Cli.Result c = Cli.run(Map.of(), "generate-completion");
        assertThat(c.exit()).isZero();
        assertThat(c.out()).contains("complete -F").contains("backfill").contains("--since-last").contains("--json");
    }
}
