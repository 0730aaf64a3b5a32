package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.RequestMatcher;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import io.github.bisonbackfill.core.metrics.MicrometerProgressListener;
import io.github.bisonbackfill.core.metrics.MicrometerWebhookMetrics;
import io.github.bisonbackfill.core.webhook.WebhookHandler;
import io.github.bisonbackfill.core.webhook.WebhookOutcome;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.github.bisonbackfill.core.metrics.MicrometerProgressListener.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Micrometer adapters after a simulated run against the real PostgREST with a rejected row, a
 * recovered workspace-context violation and a failed client, plus webhook deliveries: every meter
 * documented in docs/metrics.md is checked against the run's report, and the documented set equals
 * the registered one.
 */
class MetricsIT {
    private BisonSimulator sim;
    private SimulatedInstance main;
    private LeadsTable table;
    private BisonClient client;
    private ClientSpec apiKeyClient;
    private ClientSpec switchedClient;
    private ClientSpec revokedClient;

    @BeforeEach
    void start() {
        sim = BisonSimulator.builder().seed(14).instance("main", i -> i.generatedWorkspaces(3, 70, 10)).start();
        main = sim.instance("main");
        table = new LeadsTable();
        long a = main.workspaces().get(0).id();
        long b = main.workspaces().get(1).id();
        long c = main.workspaces().get(2).id();
        String revoked = main.mintApiUserKey(c);
        // b is read with the super-admin key (switching); a and c with their own keys.
        client = LeadsTable.client(main, Duration.ofMillis(10)).superAdminKey(main.superAdminKey())
                .workspaceKey(a, main.mintApiUserKey(a)).workspaceKey(c, revoked).pageParallelism(1).build();
        main.revokeKey(revoked);
        apiKeyClient = new ClientSpec("Alpha & Co", "main", a);
        switchedClient = new ClientSpec("Café Ñandú", "main", b);
        revokedClient = new ClientSpec("Revoked Ltd", "main", c);
        // Supabase refuses one of a's leads (a check constraint): one rejected row, code 23514.
        String refused = LeadsTable.expected(main.interestedReplies(a)).keySet().iterator().next();
        table.sql("alter table " + table.name + " add constraint " + table.name + "_refuse check (lead_email <> '"
                + refused + "')");
        // Another actor switches the user to workspace a while b's page 3 is served: a violation the
        // client detects and recovers from by switching back and reading again.
        sim.onServed(RequestMatcher.repliesPage(3).onWorkspace(b), () -> main.switchUserTo(a));
    }

    @AfterEach
    void stop() {
        client.close();
        table.close();
        sim.close();
    }

    @Test
    void everyDocumentedMeter_matchesTheRunsReport() throws IOException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Map<String, String> mdcSeen = new ConcurrentHashMap<>();
        BackfillOrchestrator orchestrator = BackfillOrchestrator.builder().writer(table.writer).table(table.name)
                .instance(client).bisonStats(false).listener(new MicrometerProgressListener(registry))
                .listener(new ProgressListener() {
                    @Override
                    public void clientStarted(ProgressEvent.ClientStarted e) {
                        mdcSeen.put(e.client().clientName(), MDC.get("runId") + "|" + MDC.get("instance") + "|"
                                + MDC.get("client"));
                    }
                }).build();

        BackfillReport report = orchestrator.run(BackfillPlan.of(apiKeyClient, switchedClient, revokedClient));

        ClientReport a = report.clients().get(0);
        ClientReport b = report.clients().get(1);
        ClientReport c = report.clients().get(2);
        assertThat(a.outcome()).isEqualTo(ClientOutcome.COMPLETED_WITH_REJECTS);
        assertThat(a.write().rejects()).extracting(r -> r.error().code()).containsExactly("23514");
        assertThat(b.outcome()).isIn(ClientOutcome.COMPLETED, ClientOutcome.COMPLETED_WITH_REJECTS);
        assertThat(b.scan().violationsDetected()).isPositive();
        assertThat(b.scan().violationsRecovered()).isEqualTo(b.scan().violationsDetected());
        assertThat(c.outcome()).isEqualTo(ClientOutcome.FAILED);

        for (ClientReport r : List.of(a, b)) {
            Tags t = tags(r);
            assertThat(count(registry, ROWS_WRITTEN, t)).as("rows of " + r.client()).isEqualTo(r.rowsWritten()).isPositive();
            assertThat(count(registry, LEADS, t)).isEqualTo(r.dedup().uniqueLeads()).isPositive();
            assertThat(count(registry, PAGES, t)).isEqualTo(r.scan().pagesRead()).isPositive();
            assertThat(count(registry, VIOLATIONS, t.and(TAG_STATE, "detected"))).isEqualTo(r.scan().violationsDetected());
            assertThat(count(registry, VIOLATIONS, t.and(TAG_STATE, "recovered"))).isEqualTo(r.scan().violationsRecovered());
            for (RejectReason reason : RejectReason.values()) {
                // Reasons that did not occur have no series (bounded by what happened, not by the enum).
                io.micrometer.core.instrument.Counter x = registry.find(REJECTS)
                        .tags(t.and(TAG_STAGE, "dedup", TAG_REASON, reason.name())).counter();
                assertThat(x == null ? 0 : (long) x.count())
                        .as(reason.name()).isEqualTo((long) r.dedup().rejectedByReason().getOrDefault(reason, 0));
            }
            Timer timer = registry.get(CLIENT_DURATION).tags(t.and(TAG_OUTCOME, r.outcome().name().toLowerCase())).timer();
            assertThat(timer.count()).isEqualTo(1);
            assertThat(timer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isEqualTo(r.duration().toNanos());
        }
        assertThat(count(registry, VIOLATIONS, tags(b).and(TAG_STATE, "recovered"))).isPositive();
        assertThat(count(registry, REJECTS, tags(a).and(TAG_STAGE, "write", TAG_REASON, "23514"))).isEqualTo(1);
        assertThat(count(registry, CLIENTS, tags(a).and(TAG_OUTCOME, "completed_with_rejects", TAG_KEY_MODE, "api_user_key")))
                .isEqualTo(1);
        assertThat(count(registry, CLIENTS, tags(b).and(TAG_OUTCOME, b.outcome().name().toLowerCase(),
                TAG_KEY_MODE, "super_admin_switching"))).isEqualTo(1);
        assertThat(count(registry, CLIENTS, tags(c).and(TAG_OUTCOME, "failed", TAG_KEY_MODE, "none"))).isEqualTo(1);
        assertThat(registry.get(CLIENT_DURATION).tags(tags(c).and(TAG_OUTCOME, "failed")).timer().count()).isEqualTo(1);
        // A 401 is permanent: one attempt, failed, not retried.
        assertThat(c.attempts()).isEqualTo(1);
        assertThat(count(registry, FAILED_ATTEMPTS, tags(c))).isEqualTo(c.failedAttempts().size()).isEqualTo(1);
        assertThat(count(registry, FAILED_ATTEMPTS, tags(a))).isZero();
        assertThat(count(registry, FAILED_ATTEMPTS, tags(b))).isEqualTo(b.failedAttempts().size());
        // Exactly one clients series per client: outcomes are not double counted.
        assertThat(registry.get(CLIENTS).counters()).hasSize(3)
                .allSatisfy(x -> assertThat(x.count()).isEqualTo(1));
        Timer run = registry.get(RUN_DURATION).tags(TAG_RESULT, "failed", TAG_DRY_RUN, "false").timer();
        assertThat(run.count()).isEqualTo(1);
        assertThat(run.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isEqualTo(report.duration().toNanos());

        // MDC around each client's work.
        assertThat(mdcSeen).containsEntry(apiKeyClient.name(), report.runId() + "|main|" + apiKeyClient.name())
                .containsEntry(revokedClient.name(), report.runId() + "|main|" + revokedClient.name()).hasSize(3);

        // The webhook: one accepted, one unauthorised, two malformed.
        WebhookHandler handler = WebhookHandler.builder().writer(table.writer).table(table.name)
                .secret("0123456789abcdef0123").workspace(new SourceWorkspace("agency-main",
                        java.net.URI.create("https://send.agency.example"), 37, "Harbor Insurance, LLC"))
                .outcomeListener(new MicrometerWebhookMetrics(registry)).build();
        String delivery;
        try (var in = MetricsIT.class.getResourceAsStream("/fixtures/webhooks/lead_interested.json")) {
            delivery = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(handler.handle(delivery, "0123456789abcdef0123").status()).isEqualTo(WebhookOutcome.Status.ACCEPTED);
        assertThat(handler.handle(delivery, "wrong-secret").status()).isEqualTo(WebhookOutcome.Status.UNAUTHORIZED);
        handler.handle("not json", "0123456789abcdef0123");
        handler.handle("[]", "0123456789abcdef0123");
        assertThat(count(registry, MicrometerWebhookMetrics.DELIVERIES, Tags.of("status", "accepted", "http.status", "200",
                "cause", "none"))).isEqualTo(1);
        assertThat(count(registry, MicrometerWebhookMetrics.DELIVERIES, Tags.of("status", "unauthorized",
                "http.status", "401", "cause", "none"))).isEqualTo(1);
        assertThat(count(registry, MicrometerWebhookMetrics.DELIVERIES, Tags.of("status", "rejected",
                "http.status", "400", "cause", "malformed"))).isEqualTo(2);

        // Documented == registered; no tag carries an email or a reply id.
        Set<String> registered = new TreeSet<>();
        for (Meter m : registry.getMeters()) {
            registered.add(m.getId().getName());
            m.getId().getTags().forEach(tag -> assertThat(tag.getValue()).doesNotContain("@").doesNotContain("88412"));
        }
        assertThat(registered).isEqualTo(documentedMeters());
    }

    @Test
    void aClientRetriedInTheRun_countsItsFailedAttempt_andOnlyItsFinalOutcome() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // Page 2 answers 500 to every retry of the first attempt, then recovers: the run's retry round completes it.
        sim.faults().failNext(RequestMatcher.repliesPage(2).onWorkspace(apiKeyClient.workspaceId()),
                BisonClient.DEFAULT_MAX_ATTEMPTS, io.github.bisonbackfill.bison.simulator.Fault.status(500));
        BackfillOrchestrator orchestrator = BackfillOrchestrator.builder().writer(table.writer).table(table.name)
                .instance(client).bisonStats(false).clientRetryPause(Duration.ofMillis(10))
                .listener(new MicrometerProgressListener(registry)).build();

        ClientReport a = orchestrator.run(BackfillPlan.of(apiKeyClient)).clients().get(0);

        assertThat(a.attempts()).isEqualTo(2);
        assertThat(a.outcome()).isEqualTo(ClientOutcome.COMPLETED_WITH_REJECTS);
        assertThat(count(registry, FAILED_ATTEMPTS, tags(a))).isEqualTo(1);
        assertThat(registry.get(CLIENTS).counters()).singleElement().satisfies(x -> {
            assertThat(x.getId().getTag(TAG_OUTCOME)).isEqualTo("completed_with_rejects");
            assertThat(x.count()).isEqualTo(1);
        });
        // The failed attempt stopped in its scan (no pages accepted into a report): the work is the second's.
        assertThat(count(registry, PAGES, tags(a))).isEqualTo(a.scan().pagesRead());
        assertThat(count(registry, ROWS_WRITTEN, tags(a))).isEqualTo(a.rowsWritten()).isPositive();
        assertThat(registry.get(CLIENT_DURATION).tags(tags(a).and(TAG_OUTCOME, "completed_with_rejects")).timer()
                .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isEqualTo(a.duration().toNanos());
    }

    private static Tags tags(ClientReport r) {
        return Tags.of(TAG_INSTANCE, r.client().instance(), TAG_CLIENT, r.client().clientName());
    }

    private static long count(SimpleMeterRegistry registry, String name, Tags tags) {
        return (long) registry.get(name).tags(tags).counter().count();
    }

    /** The meter names in docs/metrics.md's table. */
    private static Set<String> documentedMeters() throws IOException {
        Path doc = Path.of("..", "docs", "metrics.md");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `(bison\\.backfill\\.[a-z.]+)` \\|").matcher(Files.readString(doc));
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).as("meters documented in " + doc.toAbsolutePath()).hasSizeGreaterThanOrEqualTo(9);
        return names;
    }
}
