package io.github.bisonbackfill.bison.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static io.github.bisonbackfill.bison.simulator.Http.get;
import static org.assertj.core.api.Assertions.assertThat;

class RateLimitTest {

    private static BisonSimulator.Builder base(TestClock clock) {
        return BisonSimulator.builder().clock(clock).instance("main", i -> i.generatedWorkspaces(2, 5, 5));
    }

    @Test
    void perKeyLimit_answers429WithRetryAfterSeconds_andRefills() throws Exception {
        TestClock clock = new TestClock();
        try (BisonSimulator sim = base(clock).rateLimitPerKey(2, 2).start()) {
            SimulatedInstance main = sim.instance();
            String key = main.superAdminKey();
            assertThat(get(main.baseUrl(), "/api/users", key).status()).isEqualTo(200);
            Http.Result second = get(main.baseUrl(), "/api/users", key);
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.header("X-RateLimit-Remaining")).isEqualTo("0");
            Http.Result third = get(main.baseUrl(), "/api/users", key);
            assertThat(third.status()).isEqualTo(429);
            assertThat(third.header("Retry-After")).isEqualTo("1");
            assertThat(third.json().get("message").asText()).isEqualTo("Too Many Attempts.");
            // another key has its own bucket
            assertThat(get(main.baseUrl(), "/api/users", main.mintApiUserKey(1)).status()).isEqualTo(200);
            clock.advance(Duration.ofMillis(500));
            assertThat(get(main.baseUrl(), "/api/users", key).status()).isEqualTo(200);
            assertThat(get(main.baseUrl(), "/api/users", key).status()).isEqualTo(429);
            assertThat(main.counters().rateLimited()).isEqualTo(2);
            assertThat(main.counters().requests()).isEqualTo(6);
        }
    }

    @Test
    void retryAfterAsHttpDate() throws Exception {
        TestClock clock = new TestClock();
        try (BisonSimulator sim = base(clock).rateLimitPerKey(0.5, 1).retryAfter(RetryAfterMode.HTTP_DATE).start()) {
            SimulatedInstance main = sim.instance();
            get(main.baseUrl(), "/api/users", main.superAdminKey());
            Http.Result limited = get(main.baseUrl(), "/api/users", main.superAdminKey());
            assertThat(limited.status()).isEqualTo(429);
            ZonedDateTime at = ZonedDateTime.parse(limited.header("Retry-After"), DateTimeFormatter.RFC_1123_DATE_TIME);
            assertThat(at.toInstant()).isEqualTo(clock.instant().plusSeconds(2));
        }
    }

    @Test
    void retryAfterCanBeAbsent() throws Exception {
        TestClock clock = new TestClock();
        try (BisonSimulator sim = base(clock).rateLimitPerKey(1, 1).retryAfter(RetryAfterMode.NONE).start()) {
            SimulatedInstance main = sim.instance();
            get(main.baseUrl(), "/api/users", main.superAdminKey());
            Http.Result limited = get(main.baseUrl(), "/api/users", main.superAdminKey());
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("Retry-After")).isNull();
        }
    }

    @Test
    void instanceCap_limitsAllKeysTogether_benchmarkSettings() throws Exception {
        TestClock clock = new TestClock();
        try (BisonSimulator sim = base(clock).rateLimitPerKey(10).rateLimitPerInstance(30).start()) {
            SimulatedInstance main = sim.instance();
            String[] keys = {main.superAdminKey(), main.mintApiUserKey(1), main.mintApiUserKey(2), main.mintApiUserKey(1)};
            int ok = 0;
            int limited = 0;
            for (int round = 0; round < 11; round++) {
                for (String k : keys) {
                    int status = get(main.baseUrl(), "/api/users", k).status();
                    if (status == 200) {
                        ok++;
                    } else if (status == 429) {
                        limited++;
                    }
                }
            }
            assertThat(ok).isEqualTo(30);
            assertThat(limited).isEqualTo(14);
            assertThat(main.counters().rateLimited()).isEqualTo(14);
        }
    }

    @Test
    void injectedRateLimit_ignoresTheBuckets() throws Exception {
        try (BisonSimulator sim = base(new TestClock()).start()) {
            sim.faults().failNext(RequestMatcher.endpoint(Endpoint.REPLIES), 1,
                    Fault.rateLimited(RetryAfterMode.SECONDS, Duration.ofSeconds(7)));
            Http.Result r = get(sim.instance().baseUrl(), "/api/replies", sim.instance().superAdminKey());
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.header("Retry-After")).isEqualTo("7");
        }
    }
}
