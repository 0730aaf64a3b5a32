package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue "Finish every client in one run" (10 seeds in docs/benchmarks.md, scripts/bench-faults.sh): 24 clients on 2 instances under the simulator's production
 * fault mix ({@link BisonSimulator.Builder#productionFaults()}: 1 % HTTP 500, cut bodies, dropped
 * connections, late answers, a 40 req/s bucket, switch lag 0.2-1.5 s with the data behind the
 * read-back, another actor switching the user away every 1-5 s and back after 0.5-3 s, replies
 * arriving during scans, bad addresses), with the library's default proof settings. One run finishes
 * every client, and the table holds exactly each workspace's leads.
 */
class OrchestratorProductionFaultsIT {

    /** Per instance: 12 workspaces of 15 to 45 interested replies (1 to 4 pages) and a few others. */
    private static BisonSimulator simulator(long seed) {
        return simulator(BisonSimulator.builder().seed(seed).productionFaults());
    }

    private static BisonSimulator simulator(BisonSimulator.Builder builder) {
        return builder.instance("east", i -> i.generatedWorkspaces(12, 30, 8))
                .instance("west", i -> i.generatedWorkspaces(12, 30, 8)).start();
    }

    /**
     * The leads a run must have written for a workspace: its interested replies up to the highest reply
     * id the scan saw. Replies that arrive later (the simulator adds some whenever page 1 is served,
     * also to a workspace read earlier, when another client's pre-switch read lands on it) have higher
     * ids and belong to the next run.
     */
    private static Map<String, Long> expected(SimulatedInstance instance, long workspaceId, long highestSeen) {
        List<Reply> upTo = instance.interestedReplies(workspaceId).stream().filter(r -> r.id() <= highestSeen).toList();
        return LeadsTable.expected(upTo);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    // A seed takes 4-8 min (waiting for quiet windows between foreign switches); the tier's 10 min
    // default is a hang guard too close to that under load.
    @Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
    void superAdminKeysOnly_underTheProductionFaultMix_oneRunCompletesAll24_andTheTableIsExact(long seed) {
        try (BisonSimulator sim = simulator(seed); LeadsTable table = new LeadsTable()) {
            List<BisonClient> clients = new ArrayList<>();
            BackfillOrchestrator.Builder builder = BackfillOrchestrator.builder().writer(table.writer).table(table.name)
                    .bisonStats(false);
            // Default proof and recovery settings (settle 2 s >= the 1.5 s lag); only the client rate is
            // raised to the simulator's bucket.
            List<ClientSpec> specs = LeadsTable.everyWorkspace(sim, builder, clients, instance ->
                    BisonClient.builder().baseUrl(instance.baseUrl()).instanceName(instance.name())
                            .superAdminKey(instance.superAdminKey()).requestsPerSecond(40).build());
            try {
                BackfillReport report = builder.build().run(BackfillPlan.of(specs));

                assertThat(report.clients()).hasSize(24);
                assertThat(report.succeeded()).as(report.toJson()).isTrue();
                int attempts = 0;
                for (int k = 0; k < specs.size(); k++) {
                    ClientSpec spec = specs.get(k);
                    ClientReport c = report.clients().get(k);
                    SimulatedInstance instance = sim.instance(spec.instance());
                    assertThat(table.replyIdsByEmail(spec.name())).as(spec.name())
                            .isEqualTo(expected(instance, spec.workspaceId(), c.scan().highestReplyId()));
                    // The bad-address replies are rejected and counted, never written.
                    assertThat(c.dedup().rejected()).as(spec.name()).isGreaterThanOrEqualTo(3);
                    attempts += c.attempts();
                }
                long faults = sim.requestLog().stream().filter(r -> r.status() >= 500 || r.status() == 0).count();
                long throttled = sim.requestLog().stream().filter(r -> r.status() == 429).count();
                long foreign = sim.instances().stream().mapToLong(i -> i.counters().foreignSwitches()).sum();
                System.out.printf("production faults, seed %d: 24/24 in %.1f s, %d attempts, %d 5xx/dropped,"
                                + " %d 429, %d foreign switches, %d violations detected%n", seed,
                        report.duration().toMillis() / 1000.0, attempts, faults, throttled, foreign,
                        report.clients().stream().mapToInt(c -> c.scan().violationsDetected()).sum());
                assertThat(faults).as("faults injected").isPositive();
                assertThat(foreign).as("foreign switches").isPositive();
            } finally {
                clients.forEach(BisonClient::close);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void apiUserKeys_underTheProductionFaultMix_oneRunCompletesAll24_andReconcileMatchesEveryClient() {
        // Without replies arriving: reconcile reads every workspace again, and a reply that arrives after
        // the run (or during the reconcile's own reads) is rightly counted in Email Bison, not yet in the table.
        try (BisonSimulator sim = simulator(BisonSimulator.builder().seed(3).productionFaults().replyArrivals(0, 1, 1));
             LeadsTable table = new LeadsTable()) {
            List<BisonClient> clients = new ArrayList<>();
            BackfillOrchestrator.Builder builder = BackfillOrchestrator.builder().writer(table.writer).table(table.name);
            List<ClientSpec> specs = LeadsTable.everyWorkspace(sim, builder, clients, instance -> {
                BisonClient.Builder b = BisonClient.builder().baseUrl(instance.baseUrl()).instanceName(instance.name())
                        .requestsPerSecond(40);
                instance.workspaces().forEach(ws -> b.workspaceKey(ws.id(), instance.mintApiUserKey(ws.id())));
                return b.build();
            });
            try {
                BackfillOrchestrator orchestrator = builder.build();
                BackfillPlan plan = BackfillPlan.of(specs);
                BackfillReport report = orchestrator.run(plan);

                assertThat(report.succeeded()).as(report.toJson()).isTrue();
                for (ClientSpec spec : specs) {
                    assertThat(table.replyIdsByEmail(spec.name())).as(spec.name()).isEqualTo(
                            LeadsTable.expected(sim.instance(spec.instance()).interestedReplies(spec.workspaceId())));
                }
                ReconciliationReport rec = orchestrator.reconcile(plan);
                assertThat(rec.clients()).hasSize(24);
                assertThat(rec.mismatches()).as("reconciliation").isEmpty();
                assertThat(rec.clients()).allSatisfy(c -> {
                    assertThat(c.error()).isNull();
                    assertThat(c.reconciliation().bisonInterestedStat()).as(c.client().toString()).isNotNull();
                });
            } finally {
                clients.forEach(BisonClient::close);
            }
        }
    }
}
