package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Plan and configuration errors are refused before anything is read or written: hermetic, with the
 * in-process simulator and a {@link LeadSink} that fails the test if it is ever called (validation
 * must not write or count). Writes and counts themselves are tested against the real PostgREST in the
 * {@code Orchestrator*IT} classes.
 */
class OrchestratorPlanValidationTest {
    private SimulatedAgency agency;
    private BisonSimulator sim;
    private List<BisonClient> clients;
    private List<ClientSpec> specs;
    private final NeverCalledSink sink = new NeverCalledSink();
    private BackfillOrchestrator orchestrator;
    private BackfillPlan plan;

    /** A sink that must not be reached: every call is recorded and fails the test. */
    static final class NeverCalledSink implements LeadSink {
        final List<String> calls = new CopyOnWriteArrayList<>();

        private AssertionError called(String what) {
            calls.add(what);
            return new AssertionError("plan validation must not touch the sink, but it called " + what);
        }

        @Override
        public WriteStats upsert(List<ClientLeadRow> rows, BatchListener progress) {
            throw called("upsert of " + rows.size() + " rows");
        }

        @Override
        public long count(String workspaceName) {
            throw called("count(" + workspaceName + ")");
        }

        @Override
        public long count(String workspaceName, BillingWindow window) {
            throw called("count(" + workspaceName + ", " + window + ")");
        }
    }

    @BeforeEach
    void start() {
        agency = new SimulatedAgency();
        sim = agency.sim;
        clients = agency.clients;
        specs = agency.specs;
        orchestrator = agency.registerInstances(BackfillOrchestrator.builder().sink(sink).bisonStats(false)
                .clientRetryPause(Duration.ofMillis(10))).build();
        plan = agency.plan();
    }

    @AfterEach
    void stop() {
        agency.close();
    }

    // Moved from OrchestratorBehaviourIT (it needed a real SupabaseWriter only to build the orchestrator).
    @Test
    void planValidation_namesTheOffendingClients() {
        assertThatThrownBy(() -> BackfillPlan.of(new ClientSpec("Acme", "east", 1), new ClientSpec("Acme", "west", 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Acme' appears twice");
        assertThatThrownBy(() -> BackfillPlan.of(new ClientSpec("Acme", "east", 1), new ClientSpec("ACME", "west", 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differ only in case");
        assertThatThrownBy(() -> BackfillPlan.of(new ClientSpec("A", "east", 1), new ClientSpec("B", "east", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("east/1 is planned twice");
        assertThatThrownBy(() -> new ClientSpec(" Acme", "east", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whitespace");
        assertThatThrownBy(() -> BackfillPlan.of(List.of())).isInstanceOf(IllegalArgumentException.class);

        BackfillPlan unknown = BackfillPlan.of(new ClientSpec("Harbor Insurance", "north", 7), specs.get(0));
        assertThatThrownBy(() -> orchestrator.run(unknown)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("client 'Harbor Insurance' names unknown instance 'north'")
                .hasMessageContaining("[east, west]");
        assertThatThrownBy(() -> orchestrator.reconcile(unknown)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> orchestrator.run(plan, RunOptions.builder().client("Nobody").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Nobody'");
        assertThat(sink.calls).isEmpty();
        assertThat(sim.requestLog()).noneMatch(r -> r.endpoint() == Endpoint.REPLIES);

        BisonClient east = clients.get(0);
        assertThatThrownBy(() -> BackfillOrchestrator.builder().instance(east).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("writer is required");
        assertThat(Objects.requireNonNull(orchestrator.toString())).doesNotContain(agency.keys.values().iterator().next());
    }

    @Test
    void billingOfAnUnknownInstanceOrWithoutWindows_isRefusedBeforeAnyRequest() {
        BackfillPlan unknown = BackfillPlan.of(new ClientSpec("Harbor Insurance", "north", 7));
        BillingWindow march = BillingWindow.month(java.time.YearMonth.of(2026, 3), java.time.ZoneId.of("UTC"));
        assertThatThrownBy(() -> orchestrator.billing(unknown, List.of(march)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown instance 'north'");
        assertThatThrownBy(() -> orchestrator.billing(plan, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one window");
        assertThat(sink.calls).isEmpty();
        assertThat(sim.requestLog()).noneMatch(r -> r.endpoint() == Endpoint.REPLIES);
    }

    @Test
    void aSinkAndAWriterOrATable_areRefusedTogether_sayingWhichToKeep() {
        BisonClient east = clients.get(0);
        assertThatThrownBy(() -> BackfillOrchestrator.builder().instance(east).sink(sink).table("leads_b").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("table(...) applies to writer(...)");
        assertThatThrownBy(() -> BackfillOrchestrator.builder().sink(null))
                .isInstanceOf(NullPointerException.class).hasMessage("sink must not be null");
        assertThat(BackfillOrchestrator.builder().instance(east).sink(sink).build().toString())
                .contains("sink=" + sink);
    }

    @Test
    void builderValues_areCheckedInTheSetter_namingTheOptionAndItsRange() {
        BackfillOrchestrator.Builder b = BackfillOrchestrator.builder();
        assertThatThrownBy(() -> b.clientsPerBatch(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clientsPerBatch must be at least 1, got 0");
        assertThatThrownBy(() -> b.parallelScans(-2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parallelScans must be at least 1, got -2");
        assertThatThrownBy(() -> b.clientRetryRounds(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clientRetryRounds must not be negative (0 or more), got -1");
        assertThatThrownBy(() -> b.delayBetweenClients(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delayBetweenClients must not be negative (zero or longer), got PT-1S");
        assertThatThrownBy(() -> b.clientRetryPause(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("clientRetryPause must not be null");
        assertThatThrownBy(() -> b.table(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("table must not be blank");
        assertThatThrownBy(() -> b.writeChunkRows(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("writeChunkRows must be at least 1, got 0");
    }
}
