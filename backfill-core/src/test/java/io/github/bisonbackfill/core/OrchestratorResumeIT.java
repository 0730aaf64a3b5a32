package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A run that crashes part-way resumes from its checkpoint file, in a fresh orchestrator, without re-reading. */
class OrchestratorResumeIT {

    /** Stands in for the process dying: an Error, which the orchestrator does not absorb. */
    static final class Crash extends Error {
        Crash() {
            super("simulated crash");
        }
    }

    @Test
    void crashAfterThreeClients_resumeFromTheCheckpointFile_completesWithoutDuplicatesOrRereads(@TempDir Path dir) {
        Path checkpointFile = dir.resolve("checkpoint.json");
        try (BisonSimulator sim = BisonSimulator.builder().seed(5)
                .instance("east", i -> i.generatedWorkspaces(6, 20, 5))
                .instance("west", i -> i.workspace(31, "West One", 30, 5).workspace(32, "West Two", 25, 5)
                        .workspace(33, "West Three", 20, 5).workspace(34, "West Four", 35, 5))
                .start();
             LeadsTable table = new LeadsTable()) {
            List<BisonClient> clients = new ArrayList<>();
            List<ClientSpec> specs = new ArrayList<>();
            for (SimulatedInstance instance : sim.instances()) {
                BisonClient.Builder b = LeadsTable.client(instance, Duration.ZERO);
                instance.workspaces().forEach(ws -> {
                    b.workspaceKey(ws.id(), instance.mintApiUserKey(ws.id()));
                    specs.add(new ClientSpec(ws.name(), instance.name(), ws.id()));
                });
                clients.add(b.build());
            }
            BackfillPlan plan = BackfillPlan.of(specs);
            AtomicInteger completed = new AtomicInteger();
            ProgressListener crashAfterThree = new ProgressListener() {
                @Override
                public void clientFinished(ProgressEvent.ClientFinished e) {
                    if (e.report().outcome() == ClientOutcome.COMPLETED && completed.incrementAndGet() == 3) {
                        throw new Crash();
                    }
                }
            };
            BackfillOrchestrator first = orchestrator(sim, clients, table)
                    .checkpointStore(CheckpointStore.file(checkpointFile)).clientsPerBatch(2).listener(crashAfterThree)
                    .build();

            assertThatThrownBy(() -> first.run(plan)).isInstanceOf(Crash.class);

            FileCheckpointStore reopened = FileCheckpointStore.open(checkpointFile);
            String runId = reopened.currentRunId().orElseThrow();
            Set<ClientKey> done = reopened.all().stream().filter(cp -> cp.completedIn(runId))
                    .map(ClientCheckpoint::client).collect(Collectors.toSet());
            assertThat(done).hasSizeBetween(3, specs.size() - 2);
            assertThat(table.count()).isPositive();
            sim.clearRequestLog();

            BackfillOrchestrator second = orchestrator(sim, clients, table).checkpointStore(reopened).build();
            BackfillReport report = second.run(plan, RunOptions.builder().resume(true).build());

            assertThat(report.runId()).isEqualTo(runId);
            assertThat(report.succeeded()).isTrue();
            for (ClientReport c : report.clients()) {
                assertThat(c.outcome()).as(c.client().toString()).isEqualTo(done.contains(c.client())
                        ? ClientOutcome.SKIPPED_ALREADY_DONE : ClientOutcome.COMPLETED);
            }
            assertThat(sim.requestLog()).filteredOn(r -> r.endpoint() == Endpoint.REPLIES)
                    .isNotEmpty()
                    .noneMatch(r -> done.contains(new ClientKey(r.instance(), r.workspaceId(),
                            sim.instance(r.instance()).workspace(r.workspaceId()).name())));
            long expectedRows = 0;
            for (ClientSpec spec : specs) {
                var expected = LeadsTable.expected(sim.instance(spec.instance()).interestedReplies(spec.workspaceId()));
                assertThat(table.replyIdsByEmail(spec.name())).as(spec.name()).isEqualTo(expected);
                expectedRows += expected.size();
            }
            assertThat(table.count()).as("no duplicates").isEqualTo(expectedRows);
            assertThat(FileCheckpointStore.open(checkpointFile).all()).hasSize(specs.size())
                    .allMatch(cp -> cp.completedIn(runId));

            // A resume of a finished run reads nothing at all.
            sim.clearRequestLog();
            BackfillReport nothingLeft = second.run(plan, RunOptions.builder().resume(true).build());
            assertThat(nothingLeft.count(ClientOutcome.SKIPPED_ALREADY_DONE)).isEqualTo(specs.size());
            assertThat(sim.requestLog()).isEmpty();
            clients.forEach(BisonClient::close);
        }
    }

    private static BackfillOrchestrator.Builder orchestrator(BisonSimulator sim, List<BisonClient> clients, LeadsTable table) {
        BackfillOrchestrator.Builder b = BackfillOrchestrator.builder().writer(table.writer).table(table.name);
        for (BisonClient c : clients) {
            b.instance(c);
        }
        return b;
    }
}
