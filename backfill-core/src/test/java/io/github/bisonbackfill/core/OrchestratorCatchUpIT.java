package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import io.github.bisonbackfill.bison.simulator.RecordedRequest;
import io.github.bisonbackfill.bison.simulator.ReplyOrder;
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
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Catch-up runs ({@code backfill --since-last}) on the simulator and the real PostgREST: 4 clients of
 * about 10 pages each (15 replies a page), api-user keys.
 */
class OrchestratorCatchUpIT {
    /** Simulator ids are dense (a few hundred per instance), so the default 1,000-id margin would cover everything. */
    private static final long MARGIN = 20;
    private static final RunOptions CATCH_UP = RunOptions.builder().sinceLast(true).catchUpMargin(MARGIN).build();

    private BisonSimulator sim;
    private SimulatedInstance east;
    private LeadsTable table;
    private BisonClient client;
    private final List<ClientSpec> specs = new ArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private CheckpointStore store;
    private BackfillOrchestrator orchestrator;
    private BackfillPlan plan;

    @BeforeEach
    void start() {
        sim = BisonSimulator.builder().seed(41).instance("east", i -> i.generatedWorkspaces(4, 145, 10)).start();
        east = sim.instance("east");
        table = new LeadsTable();
        store = CheckpointStore.inMemory();
        BisonClient.Builder b = LeadsTable.client(east, Duration.ZERO);
        east.workspaces().forEach(ws -> {
            b.workspaceKey(ws.id(), east.mintApiUserKey(ws.id()));
            specs.add(new ClientSpec(ws.name(), east.name(), ws.id()));
        });
        client = b.build();
        orchestrator = BackfillOrchestrator.builder().instance(client).writer(table.writer).table(table.name)
                .checkpointStore(store).bisonStats(false)
                .listener(new ProgressListener() {
                    @Override
                    public void clientWarning(ProgressEvent.ClientWarning e) {
                        warnings.add(e.client().workspaceId() + ": " + e.message());
                    }
                })
                .build();
        plan = BackfillPlan.of(specs);
    }

    @AfterEach
    void stop() {
        client.close();
        table.close();
        sim.close();
    }

    private Map<Long, Long> repliesRequestsPerWorkspace() {
        return east.requestLog(r -> r.endpoint() == Endpoint.REPLIES).stream()
                .collect(Collectors.groupingBy(RecordedRequest::workspaceId, Collectors.counting()));
    }

    private static int pagesOf(int replies) {
        return (replies + 14) / 15;
    }

    private long maxInterestedId(ClientSpec spec) {
        return east.interestedReplies(spec.workspaceId()).stream().mapToLong(Reply::id).max().orElseThrow();
    }

    private void assertTableMatchesGroundTruth(ClientSpec spec) {
        assertThat(table.replyIdsByEmail(spec.name())).as(spec.name())
                .isEqualTo(LeadsTable.expected(east.interestedReplies(spec.workspaceId())));
    }

    private BackfillReport fullRun(BackfillPlan which) {
        BackfillReport full = orchestrator.run(which);
        assertThat(full.succeeded()).isTrue();
        assertThat(full.clients()).allSatisfy(c -> {
            assertThat(c.scan().mode()).isEqualTo(ScanMode.FULL);
            assertThat(c.scan().modeReason()).isNull();
        });
        return full;
    }

    @Test
    void catchUp_afterNewRepliesInTwoClients_readsOnlyTheNewestPages_writesExactlyTheNewLeads_andAdvancesTheMarks() {
        BackfillReport full = fullRun(plan);
        Map<Long, Long> fullPages = repliesRequestsPerWorkspace();
        Map<ClientKey, Long> marks = new HashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            ClientSpec spec = specs.get(i);
            // Every page, plus page 1 once more: the size asked before a first run to start the largest first.
            assertThat(fullPages.get(spec.workspaceId())).isEqualTo(pagesOf(145) + 1);
            assertThat(full.clients().get(i).scan().pagesRead()).isEqualTo(pagesOf(145));
            long mark = store.get(spec.key()).orElseThrow().highWaterReplyId();
            assertThat(mark).isEqualTo(maxInterestedId(spec)).isEqualTo(full.clients().get(i).scan().highestReplyId());
            marks.put(spec.key(), mark);
        }
        ClientSpec a = specs.get(0);
        ClientSpec c = specs.get(2);
        List<Reply> added = new ArrayList<>(east.addReplies(a.workspaceId(), 3, true));
        added.addAll(east.addReplies(c.workspaceId(), 3, true));
        Set<Long> addedIds = added.stream().map(Reply::id).collect(Collectors.toSet());
        long rowsBefore = table.count();
        sim.clearRequestLog();
        Instant catchUpStart = Instant.now();

        BackfillReport report = orchestrator.run(plan, CATCH_UP);

        assertThat(report.succeeded()).isTrue();
        // A new pass: its own run id, every client read although all completed in the current run,
        // and the current run (resumable) is left alone.
        assertThat(report.runId()).isNotEqualTo(full.runId());
        assertThat(store.currentRunId()).contains(full.runId());
        assertThat(report.clients()).extracting(ClientReport::outcome).containsOnly(ClientOutcome.COMPLETED);
        Map<Long, Long> pages = repliesRequestsPerWorkspace();
        for (int i = 0; i < specs.size(); i++) {
            ClientSpec spec = specs.get(i);
            ClientReport r = report.clients().get(i);
            assertThat(r.scan().mode()).as(spec.name()).isEqualTo(ScanMode.CATCH_UP);
            assertThat(r.scan().fullScan()).isFalse();
            assertThat(r.scan().highWaterMark()).isEqualTo(marks.get(spec.key()));
            assertThat(r.scan().catchUpThreshold()).isEqualTo(marks.get(spec.key()) - MARGIN);
            assertThat(r.scan().modeReason()).isNull();
            assertThat(r.reconciliation()).as("needs a full scan").isNull();
            // 3 new replies and a margin of 20 ids sit on page 1, or page 1 and 2: never the other 8.
            assertThat(pages.get(spec.workspaceId())).as(spec.name()).isBetween(1L, 2L).isEqualTo(r.scan().pagesRead());
            assertTableMatchesGroundTruth(spec);
            ClientCheckpoint cp = store.get(spec.key()).orElseThrow();
            assertThat(cp.status()).isEqualTo(CheckpointStatus.COMPLETED);
            assertThat(cp.runId()).isEqualTo(report.runId());
            assertThat(cp.highWaterReplyId()).isEqualTo(maxInterestedId(spec)).isEqualTo(r.scan().highestReplyId());
            if (spec == a || spec == c) {
                assertThat(cp.highWaterReplyId()).isGreaterThan(marks.get(spec.key()));
            } else {
                assertThat(cp.highWaterReplyId()).isEqualTo(marks.get(spec.key()));
            }
        }
        // Exactly the new leads: rows whose winning reply is a new one are the only ones changed.
        long newWinners = 0;
        for (ClientSpec spec : List.of(a, c)) {
            Map<String, Long> expected = LeadsTable.expected(east.interestedReplies(spec.workspaceId()));
            Map<String, Long> newOnes = expected.entrySet().stream().filter(e -> addedIds.contains(e.getValue()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(newOnes).as("each new reply wins its email").hasSize(3);
            assertThat(table.replyIdsByEmail(spec.name())).containsAllEntriesOf(newOnes);
            newWinners += newOnes.size();
        }
        assertThat(table.changedSince(catchUpStart)).isEqualTo(newWinners);
        assertThat(table.count() - rowsBefore).isEqualTo(table.createdSince(catchUpStart)).isLessThanOrEqualTo(newWinners);

        // The full scan of record agrees.
        assertThat(orchestrator.reconcile(plan).allMatch()).isTrue();
        String json = report.toJson();
        assertThat(BackfillReport.fromJson(json)).isEqualTo(report);
        assertThat(json).contains("\"mode\" : \"CATCH_UP\"");
    }

    @Test
    void catchUp_whenPagesAreServedOutOfOrder_fallsBackToAFullScan_andTheReportSaysWhy() {
        BackfillReport full = fullRun(plan);
        ClientSpec shuffled = specs.get(1);
        east.addReplies(shuffled.workspaceId(), 3, true);
        east.addReplies(specs.get(3).workspaceId(), 2, true);
        east.replyOrder(shuffled.workspaceId(), ReplyOrder.SHUFFLED);
        sim.clearRequestLog();
        warnings.clear();

        BackfillReport report = orchestrator.run(plan, CATCH_UP);

        assertThat(report.succeeded()).isTrue();
        Map<Long, Long> pages = repliesRequestsPerWorkspace();
        ClientReport r = report.clients().get(1);
        assertThat(r.outcome()).isEqualTo(ClientOutcome.COMPLETED);
        assertThat(r.scan().mode()).isEqualTo(ScanMode.CATCH_UP_FELL_BACK);
        assertThat(r.scan().fullScan()).isTrue();
        assertThat(r.scan().modeReason()).contains("not in descending order");
        assertThat(pages.get(shuffled.workspaceId())).isEqualTo(pagesOf(148)).isEqualTo(r.scan().pagesRead());
        assertThat(r.scan().interestedReplies()).isEqualTo(148);
        assertTableMatchesGroundTruth(shuffled);
        assertThat(r.reconciliation()).isNotNull().extracting(Reconciliation::matches).isEqualTo(true);
        assertThat(store.get(shuffled.key()).orElseThrow().highWaterReplyId()).isEqualTo(maxInterestedId(shuffled));
        assertThat(warnings).singleElement().asString().startsWith(shuffled.workspaceId() + ": catch-up fell back to a full scan")
                .contains(r.scan().modeReason());
        assertThat(r.scan().highWaterMark()).isEqualTo(full.clients().get(1).scan().highestReplyId());
        for (int i : new int[]{0, 2, 3}) {
            assertThat(report.clients().get(i).scan().mode()).isEqualTo(ScanMode.CATCH_UP);
            assertThat(pages.get(specs.get(i).workspaceId())).isLessThanOrEqualTo(2);
            assertTableMatchesGroundTruth(specs.get(i));
        }
        String json = report.toJson();
        assertThat(json).contains("\"mode\" : \"CATCH_UP_FELL_BACK\"", r.scan().modeReason());
    }

    @Test
    void clientWithoutAMark_isFullyScannedInASinceLastRun_andReportedSo_theOthersCatchUp() {
        ClientSpec newcomer = specs.get(3);
        BackfillPlan firstThree = plan.only(Set.of(specs.get(0).name(), specs.get(1).name(), specs.get(2).name()));
        fullRun(firstThree);
        assertThat(store.get(newcomer.key())).isEmpty();
        east.addReplies(specs.get(0).workspaceId(), 3, true);
        sim.clearRequestLog();

        // A dry run reads the marks too, and writes nothing.
        long rows = table.count();
        BackfillReport preview = orchestrator.run(plan, RunOptions.builder().sinceLast(true).catchUpMargin(MARGIN)
                .dryRun(true).build());
        assertThat(preview.clients()).extracting(cr -> cr.scan().mode())
                .containsExactly(ScanMode.CATCH_UP, ScanMode.CATCH_UP, ScanMode.CATCH_UP, ScanMode.FULL);
        assertThat(table.count()).isEqualTo(rows);
        assertThat(store.get(newcomer.key())).isEmpty();
        sim.clearRequestLog();

        BackfillReport report = orchestrator.run(plan, CATCH_UP);

        assertThat(report.succeeded()).isTrue();
        ClientReport r = report.clients().get(3);
        assertThat(r.scan().mode()).isEqualTo(ScanMode.FULL);
        assertThat(r.scan().fullScan()).isTrue();
        assertThat(r.scan().highWaterMark()).isNull();
        assertThat(r.scan().modeReason()).contains("no high-water mark");
        assertThat(repliesRequestsPerWorkspace().get(newcomer.workspaceId())).isEqualTo(pagesOf(145));
        assertThat(r.reconciliation().matches()).isTrue();
        assertTableMatchesGroundTruth(newcomer);
        assertThat(store.get(newcomer.key()).orElseThrow().highWaterReplyId()).isEqualTo(maxInterestedId(newcomer));
        for (int i = 0; i < 3; i++) {
            assertThat(report.clients().get(i).scan().mode()).isEqualTo(ScanMode.CATCH_UP);
            assertThat(repliesRequestsPerWorkspace().get(specs.get(i).workspaceId())).isLessThanOrEqualTo(2);
            assertTableMatchesGroundTruth(specs.get(i));
        }
        assertThat(report.toJson()).contains("no high-water mark");
    }

    @Test
    void instanceFromTheClient_usesItsNameAndBaseUrl() {
        assertThat(client.baseUrl()).isEqualTo(east.baseUrl().replaceAll("/+$", ""));
        BackfillOrchestrator.Builder b = BackfillOrchestrator.builder().instance(client);
        assertThatThrownBy(() -> b.instance(client)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("registered twice");

        orchestrator.run(plan.only(Set.of(specs.get(0).name())));

        String url = table.sql("select bison_conversation_url from " + table.name + " limit 1");
        assertThat(url).startsWith(client.baseUrl() + "/inbox?reply_uuid=");
    }
}
