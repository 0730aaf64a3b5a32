package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonAuthException;
import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.BisonServerException;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import io.github.bisonbackfill.bison.simulator.Fault;
import io.github.bisonbackfill.bison.simulator.RecordedRequest;
import io.github.bisonbackfill.bison.simulator.RequestMatcher;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The orchestrator's contract on a calm simulator (24 clients on 2 instances, api-user keys) and the
 * real PostgREST: isolation, dry run, single-client re-run, the monotonic guard. Plan validation is
 * hermetic: {@link OrchestratorPlanValidationTest}.
 */
class OrchestratorBehaviourIT {
    private SimulatedAgency agency;
    private BisonSimulator sim;
    private LeadsTable table;
    private Map<String, String> keys;
    private List<BisonClient> clients;
    private List<ClientSpec> specs;
    private CheckpointStore store;
    private BackfillOrchestrator orchestrator;
    private BackfillPlan plan;

    @BeforeEach
    void start() {
        agency = new SimulatedAgency();
        sim = agency.sim;
        keys = agency.keys;
        clients = agency.clients;
        specs = agency.specs;
        table = new LeadsTable();
        store = CheckpointStore.inMemory();
        orchestrator = agency.registerInstances(BackfillOrchestrator.builder().writer(table.writer).table(table.name)
                .checkpointStore(store).bisonStats(false).clientRetryPause(Duration.ofMillis(10))).build();
        plan = agency.plan();
    }

    @AfterEach
    void stop() {
        agency.close();
        table.close();
    }

    private void assertTableMatchesGroundTruth(ClientSpec spec) {
        SimulatedInstance instance = sim.instance(spec.instance());
        assertThat(table.replyIdsByEmail(spec.name())).as(spec.key().toString())
                .isEqualTo(LeadsTable.expected(instance.interestedReplies(spec.workspaceId())));
    }

    @Test
    void aClientFailingFor5xxAfterItsRetries_isAttemptedAgainInTheSameRun_andTheReportShowsBothAttempts() {
        ClientSpec victim = specs.get(7);
        // Its page 2 (page 1 also sizes the client before the run) answers 500 to every retry of the
        // first attempt (5 by default), then recovers.
        sim.faults().failNext(RequestMatcher.repliesPage(2).onInstance(victim.instance())
                .onWorkspace(victim.workspaceId()), BisonClient.DEFAULT_MAX_ATTEMPTS, Fault.status(500));

        BackfillReport report = orchestrator.run(plan);

        assertThat(report.succeeded()).as(report.toJson()).isTrue();
        ClientReport c = report.clients().get(7);
        assertThat(c.attempts()).isEqualTo(2);
        assertThat(c.failedAttempts()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(BisonServerException.class.getName());
            assertThat(e.message()).contains("HTTP 500 after 5 attempt(s)");
            assertThat(e.transientFailure()).isTrue();
        });
        assertThat(c.error()).isNull();
        assertThat(report.clients().stream().filter(r -> r != c).mapToInt(ClientReport::attempts).max().orElseThrow())
                .isEqualTo(1);
        specs.forEach(this::assertTableMatchesGroundTruth);
        assertThat(store.get(victim.key())).get().extracting(ClientCheckpoint::status).isEqualTo(CheckpointStatus.COMPLETED);
        assertThat(BackfillReport.fromJson(report.toJson()).clients().get(7).failedAttempts()).hasSize(1);
    }

    @Test
    void aClientThatKeepsFailingTransiently_isAttemptedOncePerRetryRound_thenReportedWithEveryCause() {
        ClientSpec victim = specs.get(2);
        sim.faults().failAlways(RequestMatcher.endpoint(Endpoint.REPLIES).onInstance(victim.instance())
                .onWorkspace(victim.workspaceId()), Fault.status(503));

        BackfillReport report = orchestrator.run(plan);

        ClientReport c = report.clients().get(2);
        assertThat(c.outcome()).isEqualTo(ClientOutcome.FAILED);
        assertThat(c.attempts()).isEqualTo(1 + BackfillOrchestrator.DEFAULT_CLIENT_RETRY_ROUNDS);
        assertThat(c.failedAttempts()).hasSize(c.attempts()).allSatisfy(e -> assertThat(e.transientFailure()).isTrue());
        assertThat(c.error()).isEqualTo(c.failedAttempts().get(c.attempts() - 1));
        assertThat(report.count(ClientOutcome.FAILED)).isEqualTo(1);
    }

    @Test
    void revokedKey_failsThatClientOnly_theOthersComplete_andTheReportSaysWhyWithoutTheKey() {
        ClientSpec victim = specs.get(5);
        String key = keys.get(victim.instance() + "/" + victim.workspaceId());
        sim.instance(victim.instance()).revokeKey(key);

        BackfillReport report = orchestrator.run(plan);

        assertThat(report.clients()).hasSize(24);
        ClientReport failed = report.clients().get(5);
        assertThat(failed.outcome()).isEqualTo(ClientOutcome.FAILED);
        assertThat(failed.error().type()).isEqualTo(BisonAuthException.class.getName());
        assertThat(failed.error().message()).contains("401");
        assertThat(failed.error().transientFailure()).isFalse();
        assertThat(failed.attempts()).as("a permanent cause is not attempted again").isEqualTo(1);
        assertThat(report.count(ClientOutcome.FAILED)).isEqualTo(1);
        assertThat(report.count(ClientOutcome.COMPLETED) + report.count(ClientOutcome.COMPLETED_WITH_REJECTS))
                .isEqualTo(23);
        assertThat(report.succeeded()).isFalse();
        assertThat(table.replyIdsByEmail(victim.name())).isEmpty();
        specs.stream().filter(s -> s != victim).forEach(this::assertTableMatchesGroundTruth);
        assertThat(store.get(victim.key())).get().extracting(ClientCheckpoint::status).isEqualTo(CheckpointStatus.FAILED);

        String json = report.toJson();
        for (String k : keys.values()) {
            assertThat(json).doesNotContain(k.substring(k.indexOf('|') + 1));
        }
        assertThat(json).doesNotContainIgnoringCase("bearer ").doesNotContain(table.db.serviceRoleKey());
        BackfillReport back = BackfillReport.fromJson(json);
        assertThat(back.clients().get(5).error()).isEqualTo(failed.error());
        assertThat(back.clients().get(0).write().rowsWritten()).isEqualTo(report.clients().get(0).write().rowsWritten());
    }

    /** An orchestrator on this test's store that starts one client at a time and records the starts. */
    private BackfillOrchestrator.Builder oneAtATimeRecordingStarts(List<String> started) {
        BackfillOrchestrator.Builder builder = BackfillOrchestrator.builder().writer(table.writer).table(table.name)
                .checkpointStore(store).bisonStats(false).clientsPerBatch(1)
                .listener(new ProgressListener() {
                    @Override
                    public void clientStarted(ProgressEvent.ClientStarted e) {
                        started.add(e.client().clientName());
                    }
                });
        clients.forEach(builder::instance);
        return builder;
    }

    @Test
    void clientsWithHistory_startLargestFirst_newClientsBeforeThem_andTheReportKeepsPlanOrder() {
        Instant earlier = Instant.parse("2026-11-01T00:00:00Z");
        long[] previousRows = {5, 50, 20};
        for (int i = 0; i < previousRows.length; i++) {
            store.put(new ClientCheckpoint(specs.get(i).key(), "earlier", CheckpointStatus.COMPLETED, previousRows[i],
                    earlier, null));
        }
        List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackfillOrchestrator.Builder builder = oneAtATimeRecordingStarts(started);
        BackfillPlan four = BackfillPlan.of(specs.get(0), specs.get(1), specs.get(2), specs.get(3));

        BackfillReport report = builder.build().run(four, RunOptions.builder().dryRun(true).build());

        assertThat(started).containsExactly(specs.get(3).name(), specs.get(1).name(), specs.get(2).name(),
                specs.get(0).name());
        assertThat(report.clients()).extracting(c -> c.client().clientName())
                .containsExactly(specs.get(0).name(), specs.get(1).name(), specs.get(2).name(), specs.get(3).name());
    }

    @Test
    void newApiKeyClients_startLargestFirst_bySizeAskedOfEmailBison() {
        // Equal at first (25 + 5 each); then workspace 2 gets 40 more interested replies, workspace 1 gets 20.
        sim.instance("east").addReplies(specs.get(2).workspaceId(), 40, true);
        sim.instance("east").addReplies(specs.get(1).workspaceId(), 20, true);
        List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        BackfillOrchestrator.Builder builder = oneAtATimeRecordingStarts(started);

        BackfillReport report = builder.build().run(BackfillPlan.of(specs.get(0), specs.get(1), specs.get(2)),
                RunOptions.builder().dryRun(true).build());

        assertThat(started).containsExactly(specs.get(2).name(), specs.get(1).name(), specs.get(0).name());
        assertThat(report.clients()).extracting(c -> c.client().clientName())
                .containsExactly(specs.get(0).name(), specs.get(1).name(), specs.get(2).name());
    }

    @Test
    void completedClient_reportsEveryStep_andTheCheckpointHasItsHighWaterMark() {
        BackfillPlan one = plan.only(java.util.Set.of(specs.get(0).name()));
        BackfillReport report = orchestrator.run(one);

        ClientReport c = report.clients().get(0);
        List<Reply> truth = sim.instance("east").interestedReplies(specs.get(0).workspaceId());
        assertThat(c.outcome()).isIn(ClientOutcome.COMPLETED, ClientOutcome.COMPLETED_WITH_REJECTS);
        assertThat(c.scan().interestedReplies()).isEqualTo(truth.size());
        assertThat(c.scan().fullScan()).isTrue();
        int unique = LeadsTable.expected(truth).size();
        assertThat(c.dedup().uniqueLeads()).isEqualTo(unique);
        assertThat(c.write().rowsSubmitted()).isEqualTo(unique);
        assertThat(c.write().rowsWritten()).isEqualTo(unique);
        assertThat(c.reconciliation().matches()).isTrue();
        assertThat(c.reconciliation().supabaseRows()).isEqualTo(unique);
        long maxId = truth.stream().mapToLong(Reply::id).max().orElseThrow();
        ClientCheckpoint cp = store.get(specs.get(0).key()).orElseThrow();
        assertThat(cp.status()).isEqualTo(CheckpointStatus.COMPLETED);
        assertThat(cp.runId()).isEqualTo(report.runId());
        assertThat(cp.rowsWritten()).isEqualTo(unique);
        // The position in the newest-first list a catch-up starts from: the highest id the scan read.
        assertThat(cp.highWaterReplyId()).isEqualTo(maxId).isEqualTo(c.scan().highestReplyId());
        assertThat(c.scan().mode()).isEqualTo(ScanMode.FULL);
    }

    @Test
    void dryRun_readsAndDedups_butWritesNoRowAndNoCheckpoint() {
        BackfillReport report = orchestrator.run(plan, RunOptions.builder().dryRun(true).build());

        assertThat(report.dryRun()).isTrue();
        assertThat(report.clients()).allSatisfy(c -> {
            assertThat(c.outcome()).isEqualTo(ClientOutcome.DRY_RUN);
            assertThat(c.write()).isNull();
            SimulatedInstance instance = sim.instance(c.client().instance());
            assertThat(c.dedup().uniqueLeads())
                    .isEqualTo(LeadsTable.expected(instance.interestedReplies(c.client().workspaceId())).size());
        });
        assertThat(table.count()).isZero();
        assertThat(store.currentRunId()).isEmpty();
        assertThat(store.all()).isEmpty();
    }

    @Test
    void singleClientRerun_readsAndWritesOnlyThatClient_andJoinsTheCurrentRun() {
        BackfillReport first = orchestrator.run(plan);
        assertThat(first.succeeded()).isTrue();
        ClientSpec target = specs.get(17);
        table.sql("delete from " + table.name + " where workspace_name = '" + target.name().replace("'", "''") + "'");
        sim.clearRequestLog();

        BackfillReport again = orchestrator.run(plan, RunOptions.builder().client(target.name()).build());

        assertThat(again.runId()).isEqualTo(first.runId());
        assertThat(again.clients()).singleElement().satisfies(c -> {
            assertThat(c.client()).isEqualTo(target.key());
            assertThat(c.outcome()).isIn(ClientOutcome.COMPLETED, ClientOutcome.COMPLETED_WITH_REJECTS);
        });
        assertTableMatchesGroundTruth(target);
        List<RecordedRequest> pages = sim.requestLog().stream().filter(r -> r.endpoint() == Endpoint.REPLIES).toList();
        assertThat(pages).isNotEmpty().allSatisfy(r -> {
            assertThat(r.instance()).isEqualTo(target.instance());
            assertThat(r.workspaceId()).isEqualTo(target.workspaceId());
        });
        assertThat(store.all()).allMatch(cp -> cp.completedIn(first.runId()));
    }

    @Test
    void olderReplyAfterANewerOne_changesNothing_throughTheOrchestrator() {
        ClientSpec spec = specs.get(2);
        SimulatedInstance instance = sim.instance(spec.instance());
        // A lead with several interested replies (the simulator guarantees one per workspace).
        Map<String, List<Reply>> byEmail = new HashMap<>();
        for (Reply r : instance.interestedReplies(spec.workspaceId())) {
            LeadDedup.apply(List.of(r)).leads().forEach(l -> byEmail.computeIfAbsent(l.email(), k -> new ArrayList<>()).add(r));
        }
        Map.Entry<String, List<Reply>> repeated = byEmail.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .findFirst().orElseThrow();
        String email = repeated.getKey();
        long newest = repeated.getValue().stream().mapToLong(Reply::id).max().orElseThrow();
        long older = repeated.getValue().stream().mapToLong(Reply::id).filter(id -> id != newest).max().orElseThrow();
        BackfillPlan one = BackfillPlan.of(spec);

        orchestrator.run(one);
        assertThat(table.replyIdsByEmail(spec.name())).containsEntry(email, newest);
        String where = " where workspace_name = '" + spec.name().replace("'", "''") + "' and lead_email = '"
                + email.replace("'", "''") + "'";
        String before = table.sql("select updated_at || '|' || coalesce(email_subject, '') || '|' || date_received from "
                + table.name + where);

        // The newest reply disappears from Email Bison: the next scan's winner is the older one.
        assertThat(instance.removeReply(newest)).isTrue();
        BackfillReport second = orchestrator.run(one);

        assertThat(second.clients().get(0).outcome()).isIn(ClientOutcome.COMPLETED, ClientOutcome.COMPLETED_WITH_REJECTS);
        assertThat(second.clients().get(0).write().rowsWritten()).isPositive();
        assertThat(older).isLessThan(newest);
        assertThat(table.replyIdsByEmail(spec.name())).containsEntry(email, newest);
        assertThat(table.sql("select updated_at || '|' || coalesce(email_subject, '') || '|' || date_received from "
                + table.name + where)).isEqualTo(before);
    }
}
