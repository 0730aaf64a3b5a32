package io.github.bisonbackfill.bison.simulator;

import io.github.bisonbackfill.bison.Reply;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static io.github.bisonbackfill.bison.simulator.BisonSimulator.PRODUCTION_DROPPED_CONNECTION_PROBABILITY;
import static io.github.bisonbackfill.bison.simulator.BisonSimulator.PRODUCTION_SERVER_ERROR_PROBABILITY;
import static io.github.bisonbackfill.bison.simulator.BisonSimulator.PRODUCTION_SLOW_RESPONSE_PROBABILITY;
import static io.github.bisonbackfill.bison.simulator.BisonSimulator.PRODUCTION_TRUNCATED_JSON_PROBABILITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The production preset ({@link BisonSimulator.Builder#productionFaults()}): every element of the mix
 * observed on the wire and in the request log, with fixed seeds and sequential requests (so every
 * count is deterministic; the ranges say what the rates are, mean ± 3 binomial standard deviations).
 */
class ProductionFaultsIT {

    private static final Instant ANCHOR = Instant.parse("2025-11-01T00:00:00Z");

    /** What the client saw for one request: a response, or the exception instead. */
    private record Outcome(RawHttp.Response response, IOException error) {
        int status() {
            return response == null ? -1 : response.status();
        }

        byte[] body() {
            return response.body();
        }
    }

    private static Outcome send(String baseUrl, String method, String pathAndQuery, String key, String json,
                                Duration timeout) {
        try {
            return new Outcome(RawHttp.send(baseUrl, method, pathAndQuery, key, json, timeout), null);
        } catch (IOException e) {
            return new Outcome(null, e);
        }
    }

    /** [mean - 3 sd, mean + 3 sd] of a binomial(n, p), as whole counts. */
    private static long[] range(long n, double p) {
        double mean = n * p;
        double sd = Math.sqrt(n * p * (1 - p));
        return new long[]{(long) Math.ceil(mean - 3 * sd), (long) Math.floor(mean + 3 * sd)};
    }

    private static void assertBinomial(String what, long count, long n, double p) {
        long[] r = range(n, p);
        assertThat(count).as(what + " in " + n + " requests (p = " + p + ")").isBetween(Math.max(1, r[0]), r[1]);
    }

    @Test
    void backgroundFaults_hitEveryEndpoint_atTheirOwnExactRates_andLookRightOnTheWire() throws Exception {
        TestClock clock = new TestClock();
        int n = 4000;
        try (BisonSimulator sim = BisonSimulator.builder().seed(1010).clock(clock).dataAnchor(ANCHOR)
                .instance("main", i -> i.generatedWorkspaces(4, 30, 10)).productionFaults().start()) {
            SimulatedInstance main = sim.instance();
            String key = main.superAdminKey();
            Map<Integer, Outcome> outcomes = new HashMap<>();
            for (int i = 0; i < n; i++) {
                clock.advance(Duration.ofSeconds(1)); // the token bucket refills: no 429 here
                String q = "n=" + i;
                Outcome o = switch (i % 5) {
                    case 0 -> send(main.baseUrl(), "GET", "/api/users?" + q, key, null, Duration.ofSeconds(1));
                    case 1 -> send(main.baseUrl(), "GET", "/api/replies?folder=all&page=" + (1 + i % 3) + "&" + q,
                            key, null, Duration.ofSeconds(1));
                    case 2 -> send(main.baseUrl(), "GET", "/api/workspaces/v1.1?" + q, key, null, Duration.ofSeconds(1));
                    case 3 -> send(main.baseUrl(), "GET",
                            "/api/workspaces/v1.1/stats?start_date=2025-01-01&end_date=2025-12-31&" + q, key, null,
                            Duration.ofSeconds(1));
                    default -> send(main.baseUrl(), "POST", "/api/workspaces/v1.1/switch-workspace?" + q, key,
                            "{\"team_id\": " + (1 + i % 4) + "}", Duration.ofSeconds(1));
                };
                outcomes.put(i, o);
            }
            // Slow answers are logged when they are finally sent, 3 s after their request.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Map<Integer, RecordedRequest> last;
            do {
                last = new LinkedHashMap<>();
                for (RecordedRequest r : main.requestLog()) {
                    last.put(Integer.parseInt(r.query().replaceAll(".*\\bn=(\\d+).*", "$1")), r);
                }
                if (last.size() < n) {
                    Thread.sleep(100);
                }
            } while (last.size() < n && System.nanoTime() < deadline);
            assertThat(last).hasSize(n);

            List<RecordedRequest> log = main.requestLog();
            assertThat(log).hasSize(n); // one serving per request: the raw client never resends
            long served = n;
            assertThat(log).noneMatch(r -> r.status() == 429);
            Map<String, Long> byFault = log.stream().filter(r -> r.fault() != null)
                    .collect(Collectors.groupingBy(RecordedRequest::fault, Collectors.counting()));
            assertThat(byFault).containsOnlyKeys("status 500", "dropped connection", "truncated JSON",
                    "slow response (3000 ms)");
            assertBinomial("HTTP 500", byFault.get("status 500"), served, PRODUCTION_SERVER_ERROR_PROBABILITY);
            assertBinomial("dropped", byFault.get("dropped connection"), served, PRODUCTION_DROPPED_CONNECTION_PROBABILITY);
            assertBinomial("truncated", byFault.get("truncated JSON"), served, PRODUCTION_TRUNCATED_JSON_PROBABILITY);
            assertBinomial("slow", byFault.get("slow response (3000 ms)"), served, PRODUCTION_SLOW_RESPONSE_PROBABILITY);
            assertThat(main.counters().faultsInjected()).isEqualTo(byFault.values().stream().mapToLong(Long::longValue).sum());
            // every endpoint gets faults
            assertThat(log.stream().filter(r -> r.fault() != null).map(RecordedRequest::endpoint).collect(Collectors.toSet()))
                    .contains(Endpoint.USERS, Endpoint.REPLIES, Endpoint.WORKSPACES, Endpoint.STATS,
                            Endpoint.SWITCH_WORKSPACE);

            // What the client saw for the request whose last serving carried each fault.
            for (Map.Entry<Integer, RecordedRequest> e : last.entrySet()) {
                Outcome o = outcomes.get(e.getKey());
                String fault = e.getValue().fault();
                if (fault == null) {
                    continue;
                }
                switch (fault) {
                    case "status 500" -> {
                        assertThat(o.status()).isEqualTo(500);
                        assertThat(Http.MAPPER.readTree(o.body()).get("message").asText()).isEqualTo("Server Error");
                    }
                    case "dropped connection" -> assertThat(o.error()).isInstanceOf(RawHttp.NoResponse.class);
                    case "truncated JSON" -> {
                        assertThat(o.status()).isEqualTo(200);
                        assertThat(o.response().header("Content-Length")).isEqualTo(String.valueOf(o.body().length));
                        assertThatThrownBy(() -> Http.MAPPER.readTree(o.body())).isInstanceOf(IOException.class);
                    }
                    // the answer comes 3 s late: a client waiting 1 s for it times out
                    default -> assertThat(o.error()).as(fault).isInstanceOf(SocketTimeoutException.class);
                }
            }
        }
    }

    @Test
    void rateLimit_40PerSecondBurst10PerKey_halfThe429sWithRetryAfter1_halfWithout() throws Exception {
        TestClock clock = new TestClock(); // frozen: after the burst, every request waits for a token
        try (BisonSimulator sim = BisonSimulator.builder().seed(2020).clock(clock)
                .instance("main", i -> i.generatedWorkspaces(2, 5, 5)).productionFaults().noBackgroundFaults().start()) {
            SimulatedInstance main = sim.instance();
            String key = main.superAdminKey();
            String other = main.mintApiUserKey(2);
            int withHeader = 0;
            int without = 0;
            int admitted = 0;
            for (int i = 0; i < 600; i++) {
                Outcome o = send(main.baseUrl(), "GET", "/api/users", key, null, Duration.ofSeconds(10));
                if (o.status() == 429) {
                    assertThat(Http.MAPPER.readTree(o.body()).get("message").asText()).isEqualTo("Too Many Attempts.");
                    String retryAfter = o.response().header("Retry-After");
                    if (retryAfter != null) {
                        assertThat(retryAfter).isEqualTo("1"); // 25 ms until a token, rounded up
                        withHeader++;
                    } else {
                        without++;
                    }
                } else {
                    assertThat(o.status()).isEqualTo(200);
                    admitted++;
                }
            }
            assertThat(admitted).isEqualTo(BisonSimulator.PRODUCTION_BURST_PER_KEY);
            assertBinomial("429 with Retry-After", withHeader, withHeader + without, 0.5);
            assertThat(main.counters().rateLimited()).isEqualTo(withHeader + without);
            // per key: another key has its own full bucket
            for (int i = 0; i < BisonSimulator.PRODUCTION_BURST_PER_KEY; i++) {
                assertThat(send(main.baseUrl(), "GET", "/api/users", other, null, Duration.ofSeconds(10)).status())
                        .isEqualTo(200);
            }
            assertThat(send(main.baseUrl(), "GET", "/api/users", other, null, Duration.ofSeconds(10)).status())
                    .isEqualTo(429);
            // 40 tokens a second: 1 s later, 40 more requests pass (the bucket holds 10, so only 10 at once)
            clock.advance(Duration.ofMillis(25));
            assertThat(send(main.baseUrl(), "GET", "/api/users", key, null, Duration.ofSeconds(10)).status())
                    .isEqualTo(200);
            assertThat(send(main.baseUrl(), "GET", "/api/users", key, null, Duration.ofSeconds(10)).status())
                    .isEqualTo(429);
        }
    }

    @Test
    void bouncingSwitcher_switchesAwayAndBack_throughTheLag() throws Exception {
        try (BisonSimulator sim = BisonSimulator.builder().seed(3030)
                .instance("main", i -> i.generatedWorkspaces(5, 2, 1))
                .foreignSwitcher(Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(20), Duration.ofMillis(40))
                .start()) {
            SimulatedInstance main = sim.instance();
            StringBuilder seen = new StringBuilder();
            long previous = -1;
            int returns = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (returns < 5 && System.nanoTime() < deadline) {
                long now = main.currentWorkspaceId();
                if (now != previous) {
                    if (now == 1 && previous != -1) {
                        returns++;
                    }
                    seen.append(now).append(' ');
                    previous = now;
                }
                Thread.sleep(1);
            }
            assertThat(returns).as("returns to workspace 1 in " + seen).isGreaterThanOrEqualTo(5);
            main.stopForeignSwitcher();
            SimulatorCounters c = main.counters();
            assertThat(c.switchesAccepted()).isZero();
            // Every switch away is followed by a switch back, unless stopped in between.
            if (c.foreignSwitches() % 2 == 0) {
                assertThat(main.requestedWorkspaceId()).isEqualTo(1);
            } else {
                assertThat(main.requestedWorkspaceId()).isNotEqualTo(1);
            }
            long after = c.foreignSwitches();
            Thread.sleep(100);
            assertThat(main.counters().foreignSwitches()).isEqualTo(after);
        }

        TestClock clock = new TestClock(); // frozen: the lag never passes until advanced
        try (BisonSimulator sim = BisonSimulator.builder().seed(3031).clock(clock).switchLag(Duration.ofSeconds(1))
                .switchVisibility(SwitchVisibility.USERS_FIRST)
                .instance("main", i -> i.generatedWorkspaces(5, 2, 1)
                        .foreignSwitcher(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(5), Duration.ofMillis(10)))
                .start()) {
            SimulatedInstance main = sim.instance();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (main.counters().foreignSwitches() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            main.stopForeignSwitcher();
            long switches = main.counters().foreignSwitches();
            assertThat(switches).isGreaterThanOrEqualTo(6);
            assertThat(main.currentWorkspaceId()).as("the lag has not passed").isEqualTo(1);
            clock.advance(Duration.ofSeconds(1));
            assertThat(main.currentWorkspaceId()).isEqualTo(main.requestedWorkspaceId());
            if (switches % 2 == 0) {
                assertThat(main.currentWorkspaceId()).as("back where it was").isEqualTo(1);
            } else {
                assertThat(main.currentWorkspaceId()).as("stopped while away").isNotEqualTo(1);
            }
        }
    }

    @Test
    void bouncingSwitcher_rejectsBadRanges() {
        BisonSimulator.Builder b = BisonSimulator.builder();
        assertThatThrownBy(() -> b.foreignSwitcher(Duration.ZERO, Duration.ofSeconds(1), Duration.ofMillis(1),
                Duration.ofMillis(2))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.foreignSwitcher(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(1),
                Duration.ofMillis(2))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.foreignSwitcher(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(3),
                Duration.ofMillis(2))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void repliesArrive_duringAbout5PercentOfScans_onPage1Only() throws Exception {
        int scans = 2000;
        try (BisonSimulator sim = BisonSimulator.builder().seed(4040).dataAnchor(ANCHOR)
                .instance("main", i -> i.generatedWorkspaces(2, 20, 5))
                .replyArrivals(BisonSimulator.PRODUCTION_REPLY_ARRIVAL_PROBABILITY,
                        BisonSimulator.PRODUCTION_REPLY_ARRIVAL_MIN, BisonSimulator.PRODUCTION_REPLY_ARRIVAL_MAX)
                .start()) {
            SimulatedInstance main = sim.instance();
            String key = main.mintApiUserKey(2);
            for (int i = 0; i < 100; i++) {
                assertThat(send(main.baseUrl(), "GET", "/api/replies?folder=all&page=2", key, null,
                        Duration.ofSeconds(10)).status()).isEqualTo(200);
            }
            assertThat(main.counters().repliesArrived()).as("never on page 2").isZero();
            int events = 0;
            long added = 0;
            for (int i = 0; i < scans; i++) {
                int before = main.interestedReplies(2).size();
                long top = main.replies(2).get(0).id();
                Outcome o = send(main.baseUrl(), "GET", "/api/replies?folder=all&page=1", key, null, Duration.ofSeconds(10));
                assertThat(o.status()).isEqualTo(200);
                // the page was built before the new replies were added
                assertThat(Http.MAPPER.readTree(o.body()).get("data").get(0).get("id").asLong()).isEqualTo(top);
                int grown = main.interestedReplies(2).size() - before;
                if (grown > 0) {
                    assertThat(grown).isBetween(1, 3);
                    List<Reply> newest = main.replies(2).subList(0, grown);
                    assertThat(newest).allMatch(Reply::interested).allMatch(r -> r.id() > top);
                    events++;
                    added += grown;
                }
            }
            assertBinomial("scans with arrivals", events, scans, BisonSimulator.PRODUCTION_REPLY_ARRIVAL_PROBABILITY);
            assertThat(main.counters().repliesArrived()).isEqualTo(added);
            assertThat(main.interestedReplies(1)).hasSize(20); // only the workspace served
        }
    }

    @Test
    void badAddressReplies_areInterestedReplies_butNotInTheDedupTruth() throws Exception {
        try (BisonSimulator sim = BisonSimulator.builder().seed(5050).dataAnchor(ANCHOR)
                .instance("main", i -> i.generatedWorkspaces(3, 20, 5)).badAddressReplies(3).start()) {
            SimulatedInstance main = sim.instance();
            for (long ws = 1; ws <= 3; ws++) {
                List<Reply> interested = main.interestedReplies(ws);
                List<Reply> bad = interested.stream().filter(r -> r.leadId() == null
                        && !SimulatedInstance.isUsableEmail(r.fromEmailAddress())).toList();
                assertThat(bad).hasSize(3);
                assertThat(bad).allMatch(r -> r.lead() == null);
                assertThat(bad.stream().map(Reply::fromEmailAddress).collect(Collectors.toSet()))
                        .containsExactlyInAnyOrder("", null, "not-an-email");
                Set<String> emails = main.interestedEmails(ws);
                assertThat(emails).doesNotContain("", "not-an-email").doesNotContainNull();
                Set<String> usable = interested.stream().filter(r -> !bad.contains(r))
                        .map(r -> (r.lead() != null ? r.lead().email() : r.fromEmailAddress()).trim().toLowerCase())
                        .collect(Collectors.toSet());
                assertThat(emails).isEqualTo(usable);
            }
            // On the wire: lead and lead_id null; the missing address is an absent key.
            var page = Http.ok(Http.get(main.baseUrl(), "/api/replies?folder=all&page=1", main.mintApiUserKey(1)));
            List<com.fasterxml.jackson.databind.JsonNode> untracked = new java.util.ArrayList<>();
            page.get("data").forEach(r -> {
                if (r.get("lead_id").isNull() && r.get("lead").isNull()) {
                    untracked.add(r);
                }
            });
            assertThat(untracked).anyMatch(r -> !r.has("from_email_address"))
                    .anyMatch(r -> r.has("from_email_address") && r.get("from_email_address").asText().isEmpty())
                    .anyMatch(r -> "not-an-email".equals(r.path("from_email_address").asText(null)));
        }
    }

    @Test
    void usableEmail_rejectsTheBadForms_andAcceptsGeneratedOnes() {
        for (String bad : new String[]{null, "", "   ", "not-an-email", "jane.doe@", "@example.com", "a@b", "a@.b.c",
                "a@b.c.", "a@b..c", "a b@c.d", "a@b@c.d", "<a@b.c>"}) {
            assertThat(SimulatedInstance.isUsableEmail(bad)).as(String.valueOf(bad)).isFalse();
        }
        for (String good : new String[]{"dana.ortiz@acme-logistics.example", " Dana.Ortiz@Acme.Example ",
                "JOSE.NUNEZ2@ZURICH-RE.EXAMPLE"}) {
            assertThat(SimulatedInstance.isUsableEmail(good)).as(good).isTrue();
        }
    }

    @Test
    void preset_keepsTheSeedsData_addsOnlyBadAddressReplies_andNamesBothHardNames() {
        Predicate<Reply> original = r -> r.leadId() != null || SimulatedInstance.isUsableEmail(r.fromEmailAddress());
        try (BisonSimulator plain = BisonSimulator.builder().seed(77).dataAnchor(ANCHOR)
                .instance("a", i -> i.generatedWorkspaces(12, 15, 5)).instance("b", i -> i.generatedWorkspaces(12, 15, 5))
                .start();
             BisonSimulator prod = BisonSimulator.builder().seed(77).dataAnchor(ANCHOR)
                     .instance("a", i -> i.generatedWorkspaces(12, 15, 5)).instance("b", i -> i.generatedWorkspaces(12, 15, 5))
                     .productionFaults().noForeignSwitcher().start()) {
            for (String name : List.of("a", "b")) {
                SimulatedInstance p = plain.instance(name);
                SimulatedInstance q = prod.instance(name);
                assertThat(q.superAdminKey()).isEqualTo(p.superAdminKey());
                for (long ws = 1; ws <= 12; ws++) {
                    assertThat(q.replies(ws).stream().filter(original).toList()).isEqualTo(p.replies(ws));
                    assertThat(q.interestedReplies(ws)).hasSize(p.interestedReplies(ws).size() + 3);
                    assertThat(q.interestedEmails(ws)).isEqualTo(p.interestedEmails(ws));
                }
                assertThat(q.workspaces().stream().map(w -> w.name()))
                        .contains("O'Brien & Sons, LLC", "Café Ñandú (50%+)").doesNotContain("Café Ñandú");
                assertThat(p.workspaces().stream().map(w -> w.name()))
                        .contains("O'Brien & Sons, LLC", "Café Ñandú").doesNotContain("Café Ñandú (50%+)");
            }
        }
    }

    @Test
    void backgroundFaults_mustAddUpToAtMostOne() {
        BisonSimulator.Builder b = BisonSimulator.builder().backgroundFault(Fault.status(500), 0.6);
        assertThatThrownBy(() -> b.backgroundFault(Fault.status(502), 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.backgroundFault(Fault.status(502), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
