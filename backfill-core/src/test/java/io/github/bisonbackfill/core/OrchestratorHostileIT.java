package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import io.github.bisonbackfill.bison.simulator.Fault;
import io.github.bisonbackfill.bison.simulator.RequestMatcher;
import io.github.bisonbackfill.bison.simulator.RetryAfterMode;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: 24 clients on 2 instances whose ids collide, the hostile simulator (switch lag with the
 * read-back running ahead of the data, a foreign actor switching the super-admin user, 429s, 5xx),
 * and the real PostgREST + PostgreSQL with the shipped schema.
 */
class OrchestratorHostileIT {

    /** 12 workspaces per instance, same ids on both; half read with api-user keys, half by switching. */
    private static Consumer<BisonSimulator.InstanceBuilder> workspaces(int salt) {
        return i -> {
            for (int k = 0; k < 12; k++) {
                i.workspace(100 + k, "Client " + k + (k % 3 == 0 ? ", LLC" : " Café") + " #" + salt,
                        20 + (k * 7 + salt) % 41, 3 + k % 5);
            }
        };
    }

    @Test
    void hostileRun_fillsTheTableExactlyWithEachWorkspacesLeads_reconciles_andARerunChangesNothing() {
        try (BisonSimulator sim = BisonSimulator.builder().seed(20251201).hostile()
                .switchLag(Duration.ZERO, Duration.ofMillis(300))
                .instance("east", workspaces(1)).instance("west", workspaces(2)).start();
             LeadsTable table = new LeadsTable()) {
            sim.faults().failRandomly(RequestMatcher.any(), 0.03,
                    Fault.rateLimited(RetryAfterMode.NONE, Duration.ofMillis(50)));
            sim.faults().failRandomly(RequestMatcher.endpoint(Endpoint.REPLIES), 0.04, Fault.status(503));
            sim.faults().failRandomly(RequestMatcher.endpoint(Endpoint.REPLIES), 0.03, Fault.status(502));
            List<BisonClient> clients = new ArrayList<>();
            List<ClientSpec> specs = new ArrayList<>();
            BackfillOrchestrator.Builder builder = BackfillOrchestrator.builder().writer(table.writer).table(table.name)
                    .clientRetryPause(Duration.ofMillis(100));
            List<ProgressEvent> events = new CopyOnWriteArrayList<>();
            builder.listener(new ProgressListener() {
                @Override
                public void on(ProgressEvent e) {
                    events.add(e);
                }
            });
            for (SimulatedInstance instance : sim.instances()) {
                // Settle 400 ms: above the simulator's 300 ms maximum lag (read-back first).
                BisonClient.Builder b = LeadsTable.client(instance, Duration.ofMillis(400))
                        .superAdminKey(instance.superAdminKey());
                for (int k = 0; k < 12; k += 2) {
                    b.workspaceKey(100 + k, instance.mintApiUserKey(100 + k));
                }
                BisonClient client = b.build();
                clients.add(client);
                builder.instance(client);
                instance.workspaces().forEach(ws -> specs.add(new ClientSpec(ws.name(), instance.name(), ws.id())));
            }
            BackfillOrchestrator orchestrator = builder.build();
            BackfillPlan plan = BackfillPlan.of(specs);

            // One run finishes every client: recoveries that make progress do not count, and a client that
            // still fails for a transient cause is attempted again within the run.
            BackfillReport report = orchestrator.run(plan);
            assertThat(report.succeeded()).as(report.toJson()).isTrue();

            for (SimulatedInstance instance : sim.instances()) {
                for (var ws : instance.workspaces()) {
                    var expected = LeadsTable.expected(instance.interestedReplies(ws.id()));
                    var actual = table.replyIdsByEmail(ws.name());
                    assertThat(actual).as(instance.name() + "/" + ws.id()).isEqualTo(expected);
                    assertThat(actual.keySet()).isEqualTo(instance.interestedEmails(ws.id()));
                }
            }
            long foreign = sim.instances().stream().mapToLong(i -> i.counters().foreignSwitches()).sum();
            long throttled = sim.requestLog().stream().filter(r -> r.status() == 429).count();
            long faults = sim.requestLog().stream().filter(r -> r.status() >= 500).count();
            assertThat(foreign).as("foreign switches").isPositive();
            assertThat(throttled).as("429s").isPositive();
            assertThat(faults).as("5xx").isPositive();
            assertThat(events).anyMatch(e -> e instanceof ProgressEvent.PageRead)
                    .anyMatch(e -> e instanceof ProgressEvent.BatchWritten);
            long total = table.count();
            assertThat(total).isEqualTo(sim.instances().stream().flatMap(i -> i.workspaces().stream()
                    .map(ws -> i.interestedEmails(ws.id()).size())).mapToLong(Integer::longValue).sum());

            // Report: every client's stats add up, and no key of any kind appears in it.
            String json = report.toJson();
            for (SimulatedInstance instance : sim.instances()) {
                assertThat(json).doesNotContain(instance.superAdminKey().substring(instance.superAdminKey().indexOf('|') + 1));
            }
            assertThat(json).doesNotContain(table.db.serviceRoleKey());

            ReconciliationReport rec = orchestrator.reconcile(plan);
            assertThat(rec.mismatches()).as("reconciliation").isEmpty();
            assertThat(rec.clients()).hasSize(24).allSatisfy(c -> {
                assertThat(c.reconciliation().supabaseRows()).isPositive();
                // Email Bison's stat counts replies, so at least the leads; every one is obtained and proven.
                assertThat(c.reconciliation().bisonInterestedStat()).as(c.client().toString()).isNotNull();
                assertThat(c.reconciliation().bisonInterestedStat())
                        .isGreaterThanOrEqualTo(c.reconciliation().bisonDistinctEmails());
            });

            // Downstream edits, then a full re-run: nothing new, nothing changed, the edits survive.
            String someClient = specs.get(3).name();
            table.sql("update " + table.name + " set pipeline_stage = 'meeting booked', notes = 'call Tue'"
                    + " where workspace_name = '" + someClient.replace("'", "''") + "'");
            Instant rerunStart = Instant.now();
            BackfillReport rerun = orchestrator.run(plan);
            long again = rerun.totalRowsWritten();
            assertThat(rerun.succeeded()).as(rerun.toJson()).isTrue();
            assertThat(again).as("rows acknowledged again").isEqualTo(total);
            assertThat(table.count()).isEqualTo(total);
            assertThat(table.createdSince(rerunStart)).as("new rows").isZero();
            assertThat(table.changedSince(rerunStart)).as("changed rows").isZero();
            assertThat(table.sql("select distinct pipeline_stage || '/' || notes from " + table.name
                    + " where workspace_name = '" + someClient.replace("'", "''") + "'")).isEqualTo("meeting booked/call Tue");
            assertThat(table.sql("select count(*) from " + table.name + " where last_synced_at < '" + rerunStart + "'"))
                    .as("every row seen again").isEqualTo("0");
        }
    }
}
