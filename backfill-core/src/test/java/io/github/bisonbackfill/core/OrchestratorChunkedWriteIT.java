package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's rows are mapped and written a chunk at a time (memory bounded by the chunk, not the
 * workspace): with chunks of 7 rows the table still holds exactly the ground truth, the report and
 * the progress events add the chunks up, and a chunk that fails leaves the client FAILED with the
 * rows of the chunks before it reported, never reported done.
 */
class OrchestratorChunkedWriteIT {
    private static final int CHUNK = 7;
    private BisonSimulator sim;
    private LeadsTable table;
    private BisonClient client;
    private SimulatedInstance instance;
    private ClientSpec spec;

    @BeforeEach
    void start() {
        sim = BisonSimulator.builder().seed(31).instance("main", i -> i.generatedWorkspaces(1, 60, 10)).start();
        instance = sim.instance("main");
        long ws = instance.workspaces().get(0).id();
        client = LeadsTable.client(instance, Duration.ZERO).workspaceKey(ws, instance.mintApiUserKey(ws)).build();
        table = new LeadsTable();
        spec = new ClientSpec("Chunky, Ltd.", "main", ws);
    }

    @AfterEach
    void stop() {
        client.close();
        table.close();
        sim.close();
    }

    private BackfillOrchestrator.Builder orchestrator(CheckpointStore store, ProgressListener listener) {
        return BackfillOrchestrator.builder().writer(table.writer).table(table.name).instance(client)
                .checkpointStore(store).bisonStats(false).writeChunkRows(CHUNK).listener(listener);
    }

    @Test
    void rowsWrittenInChunks_areExactlyTheGroundTruth_andTheReportAndEventsAddTheChunksUp() {
        List<ProgressEvent.BatchWritten> batches = new CopyOnWriteArrayList<>();
        CheckpointStore store = CheckpointStore.inMemory();
        BackfillReport report = orchestrator(store, new ProgressListener() {
            @Override
            public void on(ProgressEvent event) {
                if (event instanceof ProgressEvent.BatchWritten b) {
                    batches.add(b);
                }
            }
        }).build().run(BackfillPlan.of(List.of(spec)));

        List<Reply> truth = instance.interestedReplies(spec.workspaceId());
        int unique = LeadsTable.expected(truth).size();
        assertThat(unique).as("the workspace spans several chunks").isGreaterThan(3 * CHUNK);
        ClientReport c = report.clients().get(0);
        assertThat(c.outcome()).isEqualTo(ClientOutcome.COMPLETED);
        assertThat(table.replyIdsByEmail(spec.name())).isEqualTo(LeadsTable.expected(truth));
        assertThat(c.write().rowsSubmitted()).isEqualTo(unique);
        assertThat(c.write().rowsWritten()).isEqualTo(unique);
        assertThat(c.write().batches()).isEqualTo((unique + CHUNK - 1) / CHUNK);
        assertThat(c.reconciliation().matches()).isTrue();
        assertThat(store.get(spec.key()).orElseThrow().rowsWritten()).isEqualTo(unique);

        assertThat(batches).hasSize((unique + CHUNK - 1) / CHUNK)
                .allSatisfy(b -> assertThat(b.rowsTotal()).isEqualTo(unique));
        assertThat(batches).extracting(ProgressEvent.BatchWritten::batch)
                .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, batches.size()).boxed().toList());
        assertThat(batches.stream().mapToLong(ProgressEvent.BatchWritten::rowsSoFar).max().orElseThrow())
                .isEqualTo(unique);
    }

    @Test
    void aChunkThatFails_leavesTheClientFailed_withTheEarlierChunksReportedAsWritten() {
        String moved = table.name + "_moved";
        AtomicBoolean gone = new AtomicBoolean();
        CheckpointStore store = CheckpointStore.inMemory();
        try {
            BackfillReport report = orchestrator(store, new ProgressListener() {
                @Override
                public void on(ProgressEvent event) {
                    // After the first chunk is acknowledged, the table disappears under the writer.
                    if (event instanceof ProgressEvent.BatchWritten && gone.compareAndSet(false, true)) {
                        table.sql("alter table " + table.name + " rename to " + moved);
                    }
                }
            }).build().run(BackfillPlan.of(List.of(spec)));

            ClientReport c = report.clients().get(0);
            assertThat(c.outcome()).isEqualTo(ClientOutcome.FAILED);
            assertThat(c.error()).isNotNull();
            assertThat(c.write()).isNotNull();
            assertThat(c.write().rowsWritten()).isEqualTo(CHUNK);
            assertThat(c.write().complete()).isTrue();
            ClientCheckpoint cp = store.get(spec.key()).orElseThrow();
            assertThat(cp.status()).isEqualTo(CheckpointStatus.FAILED);
            assertThat(cp.rowsWritten()).isEqualTo(CHUNK);
            assertThat(report.succeeded()).isFalse();
            assertThat(table.sql("select count(*) from " + moved)).isEqualTo(Integer.toString(CHUNK));
        } finally {
            if (gone.get()) {
                table.sql("alter table " + moved + " rename to " + table.name);
            }
        }
    }
}
