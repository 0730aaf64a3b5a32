package io.github.bisonbackfill.examples.seed;

import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import io.github.bisonbackfill.bison.simulator.Fault;
import io.github.bisonbackfill.bison.simulator.RequestMatcher;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import io.github.bisonbackfill.core.ClientLeadRow;
import io.github.bisonbackfill.core.ClientLeadsSchema;
import io.github.bisonbackfill.supabase.Filter;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.testing.LocalSupabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seed procedure against the simulator and the real PostgREST, with zero sleeps. */
class SeedProcedureIT {
    static LocalSupabase db;
    static SupabaseWriter writer;
    static String table;

    @BeforeAll
    static void schema() {
        db = LocalSupabase.fromEnvironment();
        table = db.uniqueName("seed");
        db.sql(ClientLeadsSchema.sql(table));
        db.reloadSchema(table + "(" + String.join(",", ClientLeadRow.COLUMNS) + ")");
        writer = db.writer().build();
    }

    @AfterAll
    static void drop() {
        writer.close();
        db.sql("drop table if exists " + table + " cascade");
    }

    static BisonSimulator simulator() {
        return BisonSimulator.builder().seed(11)
                .instance("main", i -> i.workspace(37, "O'Brien & Sons, LLC", 40, 25).workspace(12, "Café Ñandú", 31, 7))
                .start();
    }

    SeedProcedure seed(SimulatedInstance main, String suffix) {
        return SeedProcedure.builder().baseUrl(main.baseUrl()).apiKey(main.superAdminKey()).instanceName("seed-" + suffix)
                .writer(writer).table(table).settings(SeedProcedure.Settings.noSleeps()).build();
    }

    /** What the seed must write for a workspace: every Inbox reply (interested or not), one per seed email key, highest id. */
    static Map<String, Long> expectedSeedRows(SimulatedInstance main, long workspaceId) {
        Map<String, Long> best = new HashMap<>();
        for (Reply r : main.replies(workspaceId)) {
            String key = SeedProcedure.seedEmailKey(r);
            if ("Inbox".equals(r.folder()) && key != null) {
                best.merge(key, r.id(), Math::max);
            }
        }
        return best;
    }

    static Map<String, Long> tableRows(String clientName) {
        return writer.select(table, "lead_email,bison_reply_id", Filter.eq("workspace_name", clientName)).stream()
                .collect(Collectors.toMap(m -> (String) m.get("lead_email"), m -> ((Number) m.get("bison_reply_id")).longValue()));
    }

    @Test
    void run_withoutRace_writesEachClientsInboxRepliesDeduplicatedByEmail() {
        try (BisonSimulator sim = simulator()) {
            SimulatedInstance main = sim.instance("main");
            String a = db.uniqueName("Client A, LLC");
            String b = db.uniqueName("Client B");
            SeedRun run = seed(main, "norace").run(List.of(new SeedClient(37, a), new SeedClient(12, b)));

            assertThat(tableRows(a)).isEqualTo(expectedSeedRows(main, 37));
            assertThat(tableRows(b)).isEqualTo(expectedSeedRows(main, 12));
            assertThat(run.foreignRows(main::workspaceOfReply)).isZero();
            assertThat(run.rowsAcknowledged()).isEqualTo(run.rowsReported())
                    .isEqualTo(expectedSeedRows(main, 37).size() + expectedSeedRows(main, 12).size());
            SeedClientResult first = run.clients().get(0);
            long inbox37 = main.replies(37).stream().filter(r -> "Inbox".equals(r.folder())).count();
            assertThat(first.repliesRead()).isEqualTo(inbox37);
            assertThat(first.pagesRead()).isEqualTo((int) ((inbox37 + 14) / 15));
            assertThat(first.scanStoppedBy()).isNull();
            assertThat(first.switchStatus()).isEqualTo(200);
            // The seed's requests are exactly what the server saw: one switch and the pages, per client.
            assertThat(run.requestsSent()).isEqualTo(main.counters().requests())
                    .isEqualTo(2 + first.pagesRead() + run.clients().get(1).pagesRead());
            assertThat(main.requestLog(r -> r.endpoint() == Endpoint.REPLIES))
                    .allMatch(r -> r.query().contains("interested=1") && !r.query().contains("folder"));
        }
    }

    @Test
    void run_whenAnotherActorSwitchesMidScan_attributesTheOtherWorkspacesRepliesToTheClient() {
        try (BisonSimulator sim = simulator()) {
            SimulatedInstance main = sim.instance("main");
            // Someone switches the same user to workspace 12 right after page 2 of workspace 37 was served.
            sim.onServed(RequestMatcher.repliesPage(2).onWorkspace(37), () -> main.switchUserTo(12));
            String a = db.uniqueName("Raced Client");
            SeedRun run = seed(main, "race").run(List.of(new SeedClient(37, a)));

            List<Long> foreign = run.clients().get(0).foreignReplyIds(main::workspaceOfReply);
            assertThat(foreign).isNotEmpty().allMatch(id -> main.workspaceOfReply(id).orElseThrow() == 12);
            assertThat(run.foreignRows(main::workspaceOfReply)).isEqualTo(foreign.size());
            Map<String, Long> rows = tableRows(a);
            assertThat(rows.values()).containsAll(foreign);
            // The seed noticed nothing: the client is reported done with every row it wrote.
            assertThat(run.clients().get(0).scanStoppedBy()).isNull();
            assertThat(run.rowsReported()).isEqualTo(rows.size());
        }
    }

    @Test
    void run_whenAPageFails_stopsTheScanButReportsTheClientAsDone() {
        try (BisonSimulator sim = simulator()) {
            SimulatedInstance main = sim.instance("main");
            sim.faults().failNext(RequestMatcher.repliesPage(3).onWorkspace(37), 1, Fault.status(503));
            String a = db.uniqueName("Short Client");
            String b = db.uniqueName("Next Client");
            SeedRun run = seed(main, "fault").run(List.of(new SeedClient(37, a), new SeedClient(12, b)));

            SeedClientResult first = run.clients().get(0);
            assertThat(first.scanStoppedBy()).isEqualTo("page 3: HTTP 503");
            assertThat(first.pagesRead()).isEqualTo(2);
            assertThat(first.repliesRead()).isEqualTo(30);
            assertThat(first.rowsReported()).isPositive().isEqualTo(tableRows(a).size());
            assertThat(tableRows(a).size()).isLessThan(expectedSeedRows(main, 37).size());
            assertThat(tableRows(b)).isEqualTo(expectedSeedRows(main, 12));
        }
    }

    @Test
    void settings_faithfulAreTheSeedsNumbers_andScaleOnlyTheSleeps() {
        SeedProcedure.Settings f = SeedProcedure.Settings.faithful();
        assertThat(f).isEqualTo(new SeedProcedure.Settings(Duration.ofSeconds(2), Duration.ofMillis(200), 100,
                Duration.ofMillis(100), Duration.ofSeconds(10)));
        assertThat(f.scaled(0.1)).isEqualTo(new SeedProcedure.Settings(Duration.ofMillis(200), Duration.ofMillis(20), 100,
                Duration.ofMillis(10), Duration.ofSeconds(1)));
        assertThat(SeedProcedure.Settings.troubleshooting().switchSleep()).isEqualTo(Duration.ofSeconds(5));
        assertThat(SeedProcedure.Settings.troubleshooting().clientInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(SeedProcedure.Settings.noSleeps().clientInterval()).isZero();
        assertThatThrownBy(() -> f.scaled(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> new SeedProcedure.Settings(Duration.ZERO, Duration.ZERO, 0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upsertBatchSize");
    }

    @Test
    void builder_refusesMissingSettingsAndRemoteHttp_andNeverPrintsTheKey() {
        assertThatThrownBy(() -> SeedProcedure.builder().apiKey("1|secret").writer(writer).build())
                .isInstanceOf(IllegalStateException.class).hasMessage("baseUrl is required");
        assertThatThrownBy(() -> SeedProcedure.builder().baseUrl("http://127.0.0.1:1").writer(writer).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("apiKey is required");
        assertThatThrownBy(() -> SeedProcedure.builder().baseUrl("http://127.0.0.1:1").apiKey("1|secret").build())
                .isInstanceOf(IllegalStateException.class).hasMessage("writer is required");
        assertThatThrownBy(() -> SeedProcedure.builder().baseUrl("http://send.agency.example"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> SeedProcedure.builder().build().run(List.of()))
                .isInstanceOf(IllegalStateException.class);
        SeedProcedure seed = SeedProcedure.builder().baseUrl("http://127.0.0.1:1").apiKey("1|topsecretvalue")
                .writer(writer).build();
        assertThat(seed.toString()).doesNotContain("topsecretvalue");
        assertThatThrownBy(() -> seed.run(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
