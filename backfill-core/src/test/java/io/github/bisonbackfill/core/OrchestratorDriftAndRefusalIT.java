package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.ScanResult;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.RequestMatcher;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import io.github.bisonbackfill.supabase.Resolution;
import io.github.bisonbackfill.supabase.UpsertOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replies vanishing mid-scan (a reply shifted onto a page already read) and a table that refuses every
 * row: neither may end as a client reported done with a lead missing. And the guard trigger's rule
 * that a minimal lead does not erase a stored profile.
 */
class OrchestratorDriftAndRefusalIT {
    private BisonSimulator sim;
    private LeadsTable table;
    private BisonClient client;
    private SimulatedInstance instance;
    private ClientSpec spec;
    private long ws;

    @BeforeEach
    void start() {
        sim = BisonSimulator.builder().seed(5).instance("main", i -> i.generatedWorkspaces(1, 70, 0)).start();
        instance = sim.instance("main");
        ws = instance.workspaces().get(0).id();
        // One page at a time, so that a removal after page 2 shifts a reply of page 3 onto page 2.
        client = LeadsTable.client(instance, Duration.ZERO).pageParallelism(1)
                .workspaceKey(ws, instance.mintApiUserKey(ws)).build();
        table = new LeadsTable();
        spec = new ClientSpec("Drift & Co.", "main", ws);
    }

    @AfterEach
    void stop() {
        client.close();
        table.close();
        sim.close();
    }

    private BackfillOrchestrator orchestrator(CheckpointStore store) {
        return BackfillOrchestrator.builder().writer(table.writer).table(table.name).instance(client)
                .checkpointStore(store).bisonStats(false).build();
    }

    /** After page 2 is served, a reply of page 1 vanishes: the first reply of page 3 moves to page 2. */
    private long removeAPageOneReplyAfterPageTwo() {
        long onPageOne = instance.replies(ws).get(0).id();
        sim.onServed(RequestMatcher.repliesPage(2).onWorkspace(ws), () -> instance.removeReply(onPageOne));
        return onPageOne;
    }

    @Test
    void aReplyThatVanishesMidScan_makesTheOrchestratorReadAgain_soTheShiftedReplyIsNotLost() {
        // The scan alone misses the shifted reply (what makes the second read necessary).
        removeAPageOneReplyAfterPageTwo();
        ScanResult single = client.scanInterestedReplies(ws);
        Set<Long> now = instance.interestedReplies(ws).stream().map(Reply::id).collect(Collectors.toSet());
        Set<Long> read = single.replies().stream().map(Reply::id).collect(Collectors.toSet());
        assertThat(single.totalFell()).isTrue();
        assertThat(read.containsAll(now)).as("a reply was shifted past the scan").isFalse();

        long removed = removeAPageOneReplyAfterPageTwo();
        BackfillReport report = orchestrator(CheckpointStore.inMemory()).run(BackfillPlan.of(List.of(spec)));

        ClientReport c = report.clients().get(0);
        assertThat(c.outcome()).isEqualTo(ClientOutcome.COMPLETED);
        Map<String, Long> expected = LeadsTable.expected(instance.interestedReplies(ws));
        Map<String, Long> stored = table.replyIdsByEmail(spec.name());
        // Every lead is there; the vanished reply (read before it vanished) may still be its lead's row.
        assertThat(stored).containsOnlyKeys(expected.keySet());
        expected.forEach((email, id) -> assertThat(stored.get(email)).as(email).isIn(id, removed));
        int lastPage = (70 - 2 + 14) / 15;
        assertThat(c.scan().pagesRead()).as("two passes").isGreaterThan(lastPage);
    }

    @Test
    void aTableThatRefusesEveryRow_failsTheClient_andLeavesItsMarkWhereItWas() {
        String fn = table.name + "_block";
        table.sql("create function " + fn + "() returns trigger language plpgsql as $$ begin"
                + " raise exception 'blocked by policy'; end $$;"
                + " create trigger " + fn + " before insert on " + table.name + " for each row execute function " + fn + "();");
        CheckpointStore store = CheckpointStore.inMemory();

        BackfillReport report = orchestrator(store).run(BackfillPlan.of(List.of(spec)));

        ClientReport c = report.clients().get(0);
        assertThat(c.outcome()).isEqualTo(ClientOutcome.FAILED);
        // The writer reports a call whose every row is refused alike as one failure of the call (issue 11).
        assertThat(c.error().message()).contains("Every row of the call was refused with this same error")
                .contains("blocked by policy");
        assertThat(report.succeeded()).isFalse();
        ClientCheckpoint cp = store.get(spec.key()).orElseThrow();
        assertThat(cp.status()).isEqualTo(CheckpointStatus.FAILED);
        assertThat(cp.highWaterReplyId()).isNull();
        assertThat(table.count()).isZero();
    }

    @Test
    void aMinimalLead_doesNotEraseTheStoredProfile_butANewValueReplacesIt() {
        UpsertOptions merge = UpsertOptions.builder().onConflict(ClientLeadsSchema.CONFLICT_COLUMNS.toArray(String[]::new))
                .resolution(Resolution.MERGE_DUPLICATES).build();
        Map<String, Object> full = new LinkedHashMap<>();
        full.put("lead_email", "dana@acme.example");
        full.put("workspace_name", spec.name());
        full.put("first_name", "Dana");
        full.put("last_name", "Ortiz");
        full.put("company", "Acme, Inc.");
        full.put("title", "Ops Director");
        full.put("phone", "555-0142");
        full.put("custom_variables", List.of(Map.of("name", "phone", "value", "555-0142")));
        full.put("bison_reply_id", 10);
        full.put("bison_instance", "main");
        table.writer.upsert(table.name, List.of(full), merge);

        Map<String, Object> minimal = new LinkedHashMap<>(full);
        minimal.put("first_name", null);
        minimal.put("last_name", null);
        minimal.put("company", null);
        minimal.put("title", null);
        minimal.put("phone", null);
        minimal.put("custom_variables", List.of());
        minimal.put("bison_reply_id", 11);
        table.writer.upsert(table.name, List.of(minimal), merge);

        assertThat(table.sql("select concat_ws('|', first_name, last_name, company, title, phone,"
                + " custom_variables->0->>'value', bison_reply_id) from " + table.name))
                .isEqualTo("Dana|Ortiz|Acme, Inc.|Ops Director|555-0142|555-0142|11");

        Map<String, Object> moved = new LinkedHashMap<>(minimal);
        moved.put("company", "Globex, Ltd.");
        moved.put("bison_reply_id", 12);
        table.writer.upsert(table.name, List.of(moved), merge);
        assertThat(table.sql("select company from " + table.name)).isEqualTo("Globex, Ltd.");
    }
}
