package io.github.bisonbackfill.examples.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import io.github.bisonbackfill.bison.simulator.RecordedRequest;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import io.github.bisonbackfill.core.ClientLeadsSchema;
import io.github.bisonbackfill.supabase.testing.LocalSupabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two CLI processes started together on one host, one super-admin key, different clients: the
 * cross-process session lock ({@code run.lock_dir}, on by default beside the config here) keeps each
 * run's switch → verify → read sequence whole. Checked on the simulator's request log: every
 * workspace is switched to once and its pages are read in one uninterrupted stretch, i.e. no switch
 * of one run fell inside the other's fence.
 */
class OverlappingRunsIT {
    /** Standard output must be one JSON document and nothing else (trailing text fails too). */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final List<Long> RUN_A = List.of(101L, 102L, 103L);
    static final List<Long> RUN_B = List.of(201L, 202L, 203L);
    static LocalSupabase db;
    static BisonSimulator sim;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        db = LocalSupabase.fromEnvironment();
        sim = BisonSimulator.builder().seed(4242).latency(Duration.ofMillis(5))
                .instance("main", i -> {
                    for (long id : RUN_A) {
                        i.workspace(id, "Client A" + id, 45, 5);
                    }
                    for (long id : RUN_B) {
                        i.workspace(id, "Client B" + id, 45, 5);
                    }
                })
                .start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    Path config(String name, String table, List<Long> workspaces) throws IOException {
        StringBuilder clients = new StringBuilder();
        for (long id : workspaces) {
            clients.append(clients.length() == 0 ? "" : ",\n").append("    {\"name\": \"Client ").append(id < 200 ? "A" : "B")
                    .append(id).append("\", \"instance\": \"main\", \"workspace_id\": ").append(id).append('}');
        }
        // settle_delay makes each workspace's fence last long enough that the two runs certainly overlap.
        String json = """
                {
                  "instances": [{"name": "main", "base_url": "%s", "super_admin_key_env": "SHARED_ADMIN_KEY",
                                 "settle_delay": "1200ms", "requests_per_second": 200}],
                  "clients": [
                %s
                  ],
                  "supabase": {"rest_url": "%s", "key_env": "TEST_SUPABASE_KEY", "table": "%s"}
                }
                """.formatted(sim.instance("main").baseUrl(), clients, db.restUrl(), table);
        return Files.writeString(dir.resolve(name), json);
    }

    Process launch(Path config) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                BisonBackfillCli.class.getName(), "backfill", "--config", config.toString(), "--json");
        Map<String, String> env = pb.environment();
        env.put("SHARED_ADMIN_KEY", sim.instance("main").superAdminKey());
        env.put("TEST_SUPABASE_KEY", db.serviceRoleKey());
        env.remove(BisonBackfillCli.CONFIG_ENV);
        pb.redirectOutput(dir.resolve(config.getFileName() + ".out").toFile());
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        return pb.start();
    }

    /** Collects a process's stderr; counts down {@code started} at its first progress line. */
    static Thread drain(Process p, List<String> lines, CountDownLatch started) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(l);
                    }
                    if (l.contains(": started")) {
                        started.countDown();
                    }
                }
            } catch (IOException e) {
                lines.add("(stderr unreadable: " + e + ")");
            }
        }, "stderr-drain");
        t.start();
        return t;
    }

    @Test
    void twoRunsStartedTogether_withOneSuperAdminKey_neverSwitchInsideEachOthersFence() throws Exception {
        String table = db.uniqueName("overlap");
        db.ddl(ClientLeadsSchema.sql(table), table);
        Path a = config("run-a.json", table, RUN_A);
        Path b = config("run-b.json", table, RUN_B);
        SimulatedInstance main = sim.instance("main");
        sim.clearRequestLog();

        List<String> errA = new ArrayList<>();
        List<String> errB = new ArrayList<>();
        CountDownLatch aStarted = new CountDownLatch(1);
        Process pa = launch(a);
        Thread da = drain(pa, errA, aStarted);
        // B starts once A is running its first client, so that B's whole run overlaps A's.
        assertThat(aStarted.await(60, TimeUnit.SECONDS)).as("run A started: %s", errA).isTrue();
        Process pb = launch(b);
        Thread db2 = drain(pb, errB, new CountDownLatch(1));
        assertThat(pa.waitFor(120, TimeUnit.SECONDS)).as("run A finished").isTrue();
        assertThat(pb.waitFor(120, TimeUnit.SECONDS)).as("run B finished").isTrue();
        da.join(5_000);
        db2.join(5_000);
        assertThat(pa.exitValue()).as("run A: %s", errA).isZero();
        assertThat(pb.exitValue()).as("run B: %s", errB).isZero();

        JsonNode reportA = JSON.readTree(dir.resolve("run-a.json.out").toFile()).path("result");
        JsonNode reportB = JSON.readTree(dir.resolve("run-b.json.out").toFile()).path("result");
        // They did run together: B started before A finished.
        assertThat(Instant.parse(reportB.path("startedAt").asText()))
                .isBefore(Instant.parse(reportA.path("finishedAt").asText()));
        for (JsonNode report : List.of(reportA, reportB)) {
            assertThat(report.path("clients").findValuesAsText("outcome")).containsOnly("COMPLETED");
            for (JsonNode c : report.path("clients")) {
                assertThat(c.path("scan").path("violationsDetected").asLong()).as(c.toString()).isZero();
            }
        }

        // The request log of the one super-admin user, in the order the simulator served it.
        List<RecordedRequest> log = main.requestLog().stream().filter(RecordedRequest::superAdmin).toList();
        long switches = log.stream().filter(r -> r.endpoint() == Endpoint.SWITCH_WORKSPACE).count();
        assertThat(switches).as("one switch per workspace: none was needed to recover from the other run")
                .isEqualTo(RUN_A.size() + RUN_B.size());
        // Split the log at each switch: a fence runs from a switch to the next one. Inside each, every
        // verification (users) and page (replies) was served from one workspace, and no workspace has two
        // fences: had the other run switched inside a fence, the reads after its switch would be served
        // from its workspace inside this fence, or this run would have switched back (a second fence).
        StringBuilder trace = new StringBuilder();
        for (RecordedRequest r : log) {
            trace.append(r.endpoint() == Endpoint.SWITCH_WORKSPACE ? "\nswitch |" : " " + r.endpoint() + ":" + r.workspaceId());
        }
        List<Set<Long>> fences = new ArrayList<>();
        for (RecordedRequest r : log) {
            if (r.endpoint() == Endpoint.SWITCH_WORKSPACE) {
                fences.add(new HashSet<>());
            } else if (!fences.isEmpty() && (r.endpoint() == Endpoint.REPLIES || r.endpoint() == Endpoint.USERS)) {
                fences.get(fences.size() - 1).add(r.workspaceId());
            }
        }
        assertThat(fences).as("workspaces served inside each fence:%s", trace).allSatisfy(f -> assertThat(f).hasSize(1));
        assertThat(fences.stream().map(f -> f.iterator().next()).toList()).as(trace.toString())
                .containsExactlyInAnyOrder(101L, 102L, 103L, 201L, 202L, 203L);
        // The lock files are beside the configs (the default), named by a hash.
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("bison-session-"));
        }
        assertThat(String.join(File.separator, errA)).doesNotContain(main.superAdminKey());
        db.dropTable(table);
    }
}
