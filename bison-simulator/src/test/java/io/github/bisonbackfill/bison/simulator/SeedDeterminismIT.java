package io.github.bisonbackfill.bison.simulator;

import io.github.bisonbackfill.bison.Reply;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seed fixes the run, not only the data: two simulators with one seed, driven by one sequential
 * client, serve identical responses request by request — status, every header but {@code Date}, and
 * the body — under the production fault mix (background faults, 429s with a MIXED {@code Retry-After},
 * switch lag with the read-back first, reply arrivals, bad addresses), a {@code failRandomly} rule,
 * latency, API switches, switches "from the web UI", key minting, replies pages and leads.
 *
 * <p>What is held fixed, and why: the simulator clock is a {@link TestClock} advanced by the same step
 * before every request (lag, token buckets, {@code Retry-After} dates, timestamps and arrivals' dates
 * read it); the foreign switcher thread is off, because it acts on wall-clock pauses, so where its
 * switches fall between a client's requests is timing (its choices are seeded, the interleaving is not):
 * the test switches "from the web UI" itself at fixed points instead. Three things are left out, none
 * of them a choice of the simulator: the base URL in pagination links (each run has its own port), the
 * {@code Date} header the JDK server adds from the wall clock, and the {@code maxConcurrentRequests}
 * counter (a measurement of the server's threads). Beyond the responses, the request log (workspace
 * served, status, fault, simulator timestamp per request), the other counters and the ground truth
 * after the run (arrived replies included) must be the same.
 */
class SeedDeterminismIT {

    private static final Instant ANCHOR = Instant.parse("2025-11-01T00:00:00Z");
    private static final int REQUESTS = 600;
    private static final Duration STEP = Duration.ofMillis(20); // 0.8 tokens of the 40/s bucket a request
    private static final Duration TIMEOUT = Duration.ofSeconds(15); // a slow response (3 s) is waited for

    /** Everything one run produced that a seed should fix. */
    private record Run(List<String> responses, List<String> log, SimulatorCounters counters,
                       Map<Long, List<Reply>> truth) {
    }

    private static BisonSimulator.Builder simulator(long seed, TestClock clock) {
        return BisonSimulator.builder().seed(seed).clock(clock).dataAnchor(ANCHOR)
                .instance("main", i -> i.generatedWorkspaces(4, 40, 15))
                .productionFaults()
                .noForeignSwitcher();
    }

    private static Run run(BisonSimulator.Builder builder, TestClock clock) throws IOException {
        try (BisonSimulator sim = builder.start()) {
            SimulatedInstance main = sim.instance();
            sim.faults().failRandomly(RequestMatcher.endpoint(Endpoint.LEAD), 0.3, Fault.status(503));
            String admin = main.superAdminKey();
            String apiUser = main.mintApiUserKey(3);
            String base = main.baseUrl();
            List<String> responses = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                clock.advance(STEP);
                if (i % 97 == 50) {
                    main.switchUserTo(1 + (i / 97) % 4); // "from the web UI", at a fixed point
                }
                String key = i % 7 == 6 ? apiUser : admin;
                String method = "GET";
                String path;
                String json = null;
                switch (i % 9) {
                    case 0 -> path = "/api/users";
                    case 1, 2, 3 -> path = "/api/replies?folder=all&page=" + (1 + (i / 9) % 4);
                    case 4 -> path = "/api/replies?status=interested&folder=all&page=" + (1 + (i / 9) % 2);
                    case 5 -> {
                        method = "POST";
                        path = "/api/workspaces/v1.1/switch-workspace";
                        json = "{\"team_id\": " + (1 + (i / 9) % 4) + "}";
                    }
                    case 6 -> path = "/api/leads/" + (5001 + (i * 13) % 120);
                    case 7 -> path = "/api/workspaces/v1.1/stats?start_date=2025-05-01&end_date=2025-12-31";
                    default -> {
                        if (i % 4 == 0) {
                            method = "POST";
                            path = "/api/workspaces/v1.1/" + (1 + i % 4) + "/api-tokens";
                            json = "{\"name\": \"k" + i + "\"}";
                        } else {
                            path = "/api/workspaces/v1.1";
                        }
                    }
                }
                responses.add(i + " " + method + " " + path + " -> " + describe(base, method, path, key, json));
            }
            List<String> log = main.requestLog().stream()
                    .map(r -> r.method() + " " + r.path() + " key " + r.keyId() + " ws " + r.workspaceId() + " "
                            + r.status() + " " + r.fault() + " " + r.timestamp())
                    .toList();
            Map<Long, List<Reply>> truth = new TreeMap<>();
            for (long ws = 1; ws <= 4; ws++) {
                truth.put(ws, main.replies(ws));
            }
            return new Run(responses, log, withoutConcurrency(main.counters()), truth);
        }
    }

    /**
     * The counters but {@code maxConcurrentRequests}: a measurement of the server's threads, not a
     * choice of the simulator (the thread that served a request may still be finishing when the
     * client, which has its whole answer, sends the next one).
     */
    private static SimulatorCounters withoutConcurrency(SimulatorCounters c) {
        return new SimulatorCounters(c.requests(), c.rateLimited(), c.switchRequests(), c.switchesAccepted(),
                c.foreignSwitches(), c.faultsInjected(), c.keysMinted(), 0, c.repliesArrived());
    }

    /** One request as the client saw it, the base URL (its port) replaced, the Date header left out. */
    private static String describe(String base, String method, String path, String key, String json)
            throws IOException {
        RawHttp.Response r;
        try {
            r = RawHttp.send(base, method, path, key, json, TIMEOUT);
        } catch (RawHttp.NoResponse e) {
            return "dropped";
        }
        UnaryOperator<String> portless = s -> s.replace(base, "<base>");
        String headers = r.headers().entrySet().stream().filter(h -> !h.getKey().equals("date"))
                .map(h -> h.getKey() + ": " + portless.apply(h.getValue())).sorted()
                .collect(Collectors.joining(", "));
        return r.status() + " [" + headers + "] " + portless.apply(new String(r.body(), StandardCharsets.UTF_8));
    }

    private static void assertSameRun(Run a, Run b) {
        assertThat(b.responses()).hasSameSizeAs(a.responses());
        for (int i = 0; i < a.responses().size(); i++) {
            assertThat(b.responses().get(i)).as("request " + i).isEqualTo(a.responses().get(i));
        }
        assertThat(b.log()).containsExactlyElementsOf(a.log());
        assertThat(b.counters()).isEqualTo(a.counters());
        assertThat(b.truth()).isEqualTo(a.truth());
    }

    @Test
    void oneSeed_oneSequentialClient_identicalResponses_underTheProductionMix() throws Exception {
        TestClock clockA = new TestClock();
        Run a = run(simulator(1212, clockA), clockA);
        TestClock clockB = new TestClock();
        Run b = run(simulator(1212, clockB), clockB);

        // The run covers what it claims to (so the comparison compares something).
        assertThat(a.responses()).hasSize(REQUESTS);
        assertThat(a.log()).hasSize(REQUESTS); // one serving per request: the raw client never resends
        assertThat(a.responses()).anyMatch(r -> r.contains("-> 429 [") && r.contains("retry-after: 1"))
                .anyMatch(r -> r.contains("-> 429 [") && !r.contains("retry-after"))
                .anyMatch(r -> r.contains("-> 500 ["))
                .anyMatch(r -> r.endsWith("-> dropped"))
                .anyMatch(r -> r.contains("/api/leads/") && r.contains("-> 503 ["))
                .anyMatch(r -> r.contains("/api-tokens -> 200 [") && r.contains("plain_text_token"))
                .anyMatch(r -> r.contains("switch-workspace -> 200 ["));
        assertThat(a.log()).anyMatch(l -> l.contains(" truncated JSON "));
        assertThat(a.counters().switchesAccepted()).isGreaterThan(10);
        assertThat(a.counters().foreignSwitches()).isGreaterThan(3);
        assertThat(a.counters().repliesArrived()).isPositive();
        // the read-back and the data served several workspaces over the run
        assertThat(a.log().stream().filter(l -> l.startsWith("GET /api/replies")).map(l -> l.split(" ws ")[1].split(" ")[0])
                .distinct().count()).isGreaterThan(2);

        assertSameRun(a, b);
    }

    @Test
    void anotherConcernDrawingMore_changesNothingElse() throws Exception {
        // Latency is invisible in a response, but used to draw from the data stream: with it, the lags
        // and the content of arriving replies shifted. Now it draws from its own stream.
        TestClock clockA = new TestClock();
        Run plain = run(simulator(3434, clockA), clockA);
        TestClock clockB = new TestClock();
        Run withLatency = run(simulator(3434, clockB).latency(Duration.ZERO, Duration.ofMillis(2)), clockB);
        assertThat(plain.counters().repliesArrived()).isPositive();
        assertSameRun(plain, withLatency);
    }

    @Test
    void aForeignSwitcherThread_shiftsNeitherTheDataNorTheKeys() throws Exception {
        // The foreign switcher runs on wall-clock pauses: how often it draws differs from run to run.
        // It used to draw from the data stream, so replies added and keys minted after start differed too.
        List<List<Object>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            TestClock clock = new TestClock();
            try (BisonSimulator sim = BisonSimulator.builder().seed(5656).clock(clock).dataAnchor(ANCHOR)
                    .switchLag(Duration.ofMillis(200), Duration.ofMillis(1500))
                    .instance("main", i -> i.generatedWorkspaces(4, 20, 5)).foreignSwitcher(Duration.ofMillis(1))
                    .start()) {
                SimulatedInstance main = sim.instance();
                List<Object> seen = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    Thread.sleep(2);
                    seen.add(main.mintApiUserKey(1 + i % 4));
                    seen.add(main.addReplies(1 + i % 4, 2, i % 3 != 0));
                }
                assertThat(main.counters().foreignSwitches()).as("the switcher ran").isPositive();
                runs.add(seen);
            }
        }
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
    }
}
