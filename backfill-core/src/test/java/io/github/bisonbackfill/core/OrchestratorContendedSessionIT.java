package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.WorkspaceContextException;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import io.github.bisonbackfill.bison.simulator.SwitchVisibility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session no proof can get through: another actor switches the super-admin user away every
 * 0.2-1.2 s (and back after 0.5-1.2 s, long enough for a read-back check to see it), so the read-back
 * never shows the target for the 2 s settle delay, and the data trails the read-back by 3 s. Without a
 * key store every client fails closed (nothing written), each with a message that names the key store
 * as the fix. The settle delay is the default one: the proof rules are the library's, only the round
 * counts are small to keep the test short.
 */
class OrchestratorContendedSessionIT {

    @Test
    void withoutAKeyStore_everyClientFailsClosed_namingTheKeyStore_andNoRowIsWrong() {
        try (BisonSimulator sim = BisonSimulator.builder().seed(4242)
                .switchLag(Duration.ofSeconds(3)).switchVisibility(SwitchVisibility.USERS_FIRST)
                .foreignSwitcher(Duration.ofMillis(200), Duration.ofMillis(1200), Duration.ofMillis(500),
                        Duration.ofMillis(1200))
                .instance("east", i -> i.generatedWorkspaces(12, 20, 5))
                .instance("west", i -> i.generatedWorkspaces(12, 20, 5)).start();
             LeadsTable table = new LeadsTable()) {
            List<BisonClient> clients = new ArrayList<>();
            BackfillOrchestrator.Builder builder = BackfillOrchestrator.builder().writer(table.writer).table(table.name)
                    .bisonStats(false).clientRetryRounds(1).clientRetryPause(Duration.ofMillis(10));
            // Small budgets keep the test short; the proof rules are the defaults'.
            List<ClientSpec> specs = LeadsTable.everyWorkspace(sim, builder, clients, instance ->
                    LeadsTable.client(instance, BisonClient.DEFAULT_SWITCH_SETTLE_DELAY)
                            .verificationAttempts(3).verificationInterval(BisonClient.DEFAULT_VERIFICATION_INTERVAL)
                            .superAdminKey(instance.superAdminKey()).maxContextRecoveries(0).build());
            try {
                BackfillReport report = builder.build().run(BackfillPlan.of(specs));

                int failed = 0;
                for (int k = 0; k < specs.size(); k++) {
                    ClientReport c = report.clients().get(k);
                    ClientSpec spec = specs.get(k);
                    SimulatedInstance instance = sim.instance(spec.instance());
                    if (c.outcome() == ClientOutcome.FAILED) {
                        failed++;
                        assertThat(c.error().type()).isEqualTo(WorkspaceContextException.class.getName());
                        assertThat(c.error().transientFailure()).isTrue();
                        assertThat(c.error().message()).contains("run.key_store");
                        assertThat(c.attempts()).isEqualTo(2);
                        assertThat(table.replyIdsByEmail(spec.name())).as("fail closed: nothing written").isEmpty();
                    } else {
                        assertThat(table.replyIdsByEmail(spec.name())).as(spec.name())
                                .isEqualTo(LeadsTable.expected(instance.interestedReplies(spec.workspaceId())));
                    }
                }
                System.out.println("contended session: " + failed + " of 24 failed closed");
                assertThat(failed).isEqualTo(24);
            } finally {
                clients.forEach(BisonClient::close);
            }
        }
    }
}
