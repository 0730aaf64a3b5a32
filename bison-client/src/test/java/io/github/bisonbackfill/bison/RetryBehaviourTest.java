package io.github.bisonbackfill.bison;

import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryBehaviourTest {
    private static final String PAGE_1 = "/api/replies?status=interested&folder=all&page=1";
    private static final String PAGE_2 = "/api/replies?status=interested&folder=all&page=2";

    @RegisterExtension
    final FakeBisonExtension fake = new FakeBisonExtension();
    final FakeBison bison = fake.bison();
    /** Retry waits are recorded and skipped: Retry-After and backoff tests take milliseconds. */
    final FakeTiming timing = new FakeTiming(Instant.parse("2025-10-14T17:03:21Z"));

    @BeforeEach
    void setUp() {
        bison.workspace(37, "Harbor", 25, 0, 1000).apiKey(TestClients.KEY_37, 37);
    }

    private BisonClient client() {
        return fake.client().workspaceKey(37, TestClients.KEY_37).maxAttempts(5).superAdminKey(FakeBison.SUPER_KEY)
                .timing(timing).build();
    }

    /** Answers {@code response} to the first {@code times} requests for {@code target}. */
    private void failFirst(String target, int times, java.util.function.IntFunction<MockResponse> response) {
        AtomicInteger seen = new AtomicInteger();
        bison.fault = request -> request.getTarget().equals(target) && seen.incrementAndGet() <= times
                ? response.apply(seen.get()) : null;
    }

    private long requestsFor(String target) {
        return bison.countRequests("GET " + target);
    }

    @Test
    void scan_after429StormWithoutRetryAfter_backsOffAndCompletes() {
        failFirst(PAGE_2, 4, n -> FakeBison.json(429, java.util.Map.of("message", "Too Many Attempts.")));
        try (BisonClient client = client()) {
            assertThat(client.scanInterestedReplies(37).replies()).hasSize(25);
        }
        assertThat(requestsFor(PAGE_2)).isEqualTo(5);
        // retryBaseDelay 1 ms x 10 for a 429 without Retry-After, capped at retryMaxDelay 5 ms, half jittered.
        assertThat(timing.waits()).hasSize(4)
                .allSatisfy(wait -> assertThat(wait).isBetween(Duration.ofMillis(2), Duration.ofMillis(5)));
    }

    @Test
    void scan_after429WithRetryAfterSeconds_waitsWhatTheServerAsks() {
        failFirst(PAGE_1, 1, n -> new MockResponse.Builder().code(429).setHeader("Retry-After", "2").body("{}").build());
        LogCapture.Result run = LogCapture.capture(() -> {
            try (BisonClient client = client()) {
                assertThat(client.scanInterestedReplies(37).replies()).hasSize(25);
            }
        });
        assertThat(requestsFor(PAGE_1)).isEqualTo(2);
        assertThat(run.log()).contains("retrying GET " + PAGE_1 + " (workspace 37) [attempt=2, delay=2000ms, status=429]");
        assertThat(timing.waits()).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void scan_after429WithRetryAfterHttpDate_retries() {
        // The fake wall clock stands still but for the waits: the date is 2 s ahead, then reached.
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                timing.clock().instant().plusSeconds(2).atZone(ZoneOffset.UTC));
        failFirst(PAGE_1, 2, n -> new MockResponse.Builder().code(429).setHeader("Retry-After", date).build());
        LogCapture.Result run = LogCapture.capture(() -> {
            try (BisonClient client = client()) {
                assertThat(client.scanInterestedReplies(37).replies()).hasSize(25);
            }
        });
        assertThat(requestsFor(PAGE_1)).isEqualTo(3);
        assertThat(run.log()).contains("[attempt=2, delay=2000ms, status=429]").contains("[attempt=3, delay=0ms, status=429]");
        assertThat(timing.waits()).containsExactly(Duration.ofSeconds(2), Duration.ZERO);
    }

    @Test
    void scan_whenRetryAfterExceedsTheCallBudget_failsAtOnceWithRetryAfter() {
        failFirst(PAGE_1, 1, n -> new MockResponse.Builder().code(429).setHeader("Retry-After", "3600").build());
        try (BisonClient client = client()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOfSatisfying(BisonRateLimitedException.class, e -> {
                        assertThat(e.retryAfter()).hasValue(Duration.ofHours(1));
                        assertThat(e.attempts()).isEqualTo(1);
                        assertThat(e.status()).isEqualTo(429);
                    });
        }
        assertThat(timing.waits()).isEmpty();
    }

    @Test
    void scan_whenRateLimitedOnEveryAttempt_failsWithRateLimited() {
        failFirst(PAGE_1, 100, n -> FakeBison.json(429, java.util.Map.of("message", "slow down")));
        try (BisonClient client = client()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOfSatisfying(BisonRateLimitedException.class, e -> {
                        assertThat(e.attempts()).isEqualTo(5);
                        assertThat(e.retryAfter()).isEmpty();
                        assertThat(e.body()).contains("slow down");
                    });
        }
        assertThat(requestsFor(PAGE_1)).isEqualTo(5);
    }

    @Test
    void scan_after5xxBurst_completes() {
        int[] statuses = {502, 503, 504, 503};
        failFirst(PAGE_2, 4, n -> FakeBison.json(statuses[n - 1], java.util.Map.of("message", "bad gateway")));
        try (BisonClient client = client()) {
            assertThat(client.scanInterestedReplies(37).replies()).hasSize(25);
        }
        assertThat(requestsFor(PAGE_2)).isEqualTo(5);
    }

    @Test
    void scan_whenAPageStays503_failsTheScanWithServerError() {
        failFirst(PAGE_2, 1000, n -> FakeBison.json(503, java.util.Map.of("message", "Service Unavailable")));
        try (BisonClient client = client()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOfSatisfying(BisonServerException.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.attempts()).isEqualTo(5);
                        assertThat(e.endpoint()).isEqualTo("GET " + PAGE_2);
                        assertThat(e.getMessage()).contains("workspace 37").contains("after 5 attempt(s)");
                    });
        }
    }

    @Test
    void scan_afterADroppedConnection_retriesAndCompletes() {
        failFirst(PAGE_2, 2, n -> new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
                .build());
        try (BisonClient client = client()) {
            assertThat(client.scanInterestedReplies(37).replies()).hasSize(25);
        }
        assertThat(requestsFor(PAGE_2)).isEqualTo(3);
    }

    @Test
    void scan_whenAnAttemptHangs_cancelsItAfterAttemptTimeoutAndRetries() {
        failFirst(PAGE_2, 1, n -> new MockResponse.Builder().headersDelay(3, TimeUnit.SECONDS).body("{}").build());
        try (BisonClient client = fake.client().workspaceKey(37, TestClients.KEY_37)
                .attemptTimeout(Duration.ofMillis(200)).build()) {
            assertThat(client.scanInterestedReplies(37).replies()).hasSize(25);
        }
        assertThat(requestsFor(PAGE_2)).isEqualTo(2);
    }

    @Test
    void scan_whenConnectionIsRefused_failsWithIoException() {
        try (BisonClient client = BisonClient.builder().baseUrl("http://127.0.0.1:1").workspaceKey(37, TestClients.KEY_37)
                .maxAttempts(2).retryBaseDelay(Duration.ofMillis(1)).retryMaxDelay(Duration.ofMillis(2)).build()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOfSatisfying(BisonIoException.class, e -> {
                        assertThat(e.attempts()).isEqualTo(2);
                        assertThat(e.getMessage()).contains("GET /api/users").contains("no response after 2 attempt(s)");
                    });
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 422, 501, 505})
    void scan_onNonRetryableStatus_failsAfterOneAttempt(int status) {
        failFirst(PAGE_1, 100, n -> FakeBison.json(status, java.util.Map.of("message", "no")));
        try (BisonClient client = client()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOfSatisfying(BisonServiceException.class, e -> {
                        assertThat(e.status()).isEqualTo(status);
                        assertThat(e.attempts()).isEqualTo(1);
                        Class<?> expected = switch (status) {
                            case 401, 403 -> BisonAuthException.class;
                            case 404 -> BisonNotFoundException.class;
                            case 501, 505 -> BisonServerException.class;
                            default -> BisonServiceException.class;
                        };
                        assertThat(e).isExactlyInstanceOf(expected);
                    });
        }
        assertThat(requestsFor(PAGE_1)).isEqualTo(1);
    }

    @Test
    void mint_isNotRetriedAfterAnAmbiguousFailure() {
        String path = "/api/workspaces/v1.1/37/api-tokens";
        failFirst(path, 100, n -> FakeBison.json(503, java.util.Map.of("message", "maybe created")));
        try (BisonClient client = client()) {
            assertThatThrownBy(() -> client.mintApiUserKey(37, "bison-backfill"))
                    .isInstanceOfSatisfying(BisonServerException.class, e -> assertThat(e.attempts()).isEqualTo(1));
        }
        assertThat(bison.countRequests("POST " + path)).isEqualTo(1);
    }

    @Test
    void mint_isNotRetriedAfterADroppedConnection() {
        String path = "/api/workspaces/v1.1/37/api-tokens";
        failFirst(path, 100, n -> new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
                .build());
        try (BisonClient client = client()) {
            assertThatThrownBy(() -> client.mintApiUserKey(37, "bison-backfill")).isInstanceOf(BisonIoException.class);
        }
        assertThat(bison.countRequests("POST " + path)).isEqualTo(1);
    }

    @Test
    void mint_isRetriedAfter429_whichProvesNothingWasCreated() {
        String path = "/api/workspaces/v1.1/37/api-tokens";
        failFirst(path, 2, n -> FakeBison.json(429, java.util.Map.of("message", "slow down")));
        try (BisonClient client = client()) {
            assertThat(client.mintApiUserKey(37, "bison-backfill").token()).isEqualTo("99|MintedSecretTokenZZZZ9999");
        }
        assertThat(bison.countRequests("POST " + path)).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 507, 520, 599})
    void scan_afterA5xxOtherThan501And505_retriesAndCompletes(int status) {
        failFirst(PAGE_2, 2, n -> FakeBison.json(status, java.util.Map.of("message", "Server Error")));
        try (BisonClient client = client()) {
            assertThat(client.scanInterestedReplies(37).replies()).hasSize(25);
        }
        assertThat(requestsFor(PAGE_2)).isEqualTo(3);
    }

    @Test
    void superAdminScan_afterA500OnTheSwitch_sendsTheSwitchAgainAndCompletes() {
        String path = "/api/workspaces/v1.1/switch-workspace";
        AtomicInteger seen = new AtomicInteger();
        bison.fault = request -> request.getTarget().equals(path) && seen.incrementAndGet() <= 2
                ? FakeBison.json(500, java.util.Map.of("message", "Server Error")) : null;
        try (BisonClient client = fake.client().superAdminKey(FakeBison.SUPER_KEY).maxAttempts(5).build()) {
            assertThat(client.scanInterestedReplies(37).replies()).hasSize(25);
        }
        assertThat(bison.countRequests("POST " + path)).isEqualTo(3);
    }

    @Test
    void mint_isNotRetriedAfterA500() {
        String path = "/api/workspaces/v1.1/37/api-tokens";
        failFirst(path, 100, n -> FakeBison.json(500, java.util.Map.of("message", "Server Error")));
        try (BisonClient client = client()) {
            assertThatThrownBy(() -> client.mintApiUserKey(37, "bison-backfill"))
                    .isInstanceOfSatisfying(BisonServerException.class, e -> {
                        assertThat(e.status()).isEqualTo(500);
                        assertThat(e.attempts()).isEqualTo(1);
                    });
        }
        assertThat(bison.countRequests("POST " + path)).isEqualTo(1);
    }

    @Test
    void mint_whoseAnswerIsCutShort_isNotSentAgain() {
        String path = "/api/workspaces/v1.1/37/api-tokens";
        failFirst(path, 100, n -> new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("{\"data\": {\"id\": 99, \"plain_te").build());
        try (BisonClient client = client()) {
            assertThatThrownBy(() -> client.mintApiUserKey(37, "bison-backfill"))
                    .isInstanceOf(BisonMalformedResponseException.class);
        }
        assertThat(bison.countRequests("POST " + path)).isEqualTo(1);
    }

    @Test
    void scan_afterA200WhoseBodyIsCutShort_asksAgainAndCompletes() {
        failFirst(PAGE_2, 2, n -> new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("{\"data\": [{\"id\": 1, \"interes").build());
        try (BisonClient client = client()) {
            assertThat(client.scanInterestedReplies(37).replies()).hasSize(25);
        }
        assertThat(requestsFor(PAGE_2)).isEqualTo(3);
    }

    @Test
    void scan_afterA200HtmlPageOrAnEmpty200_asksAgainAndCompletes() {
        failFirst(PAGE_2, 2, n -> n == 1
                ? new MockResponse.Builder().code(200).addHeader("Content-Type", "text/html")
                .body("<html><body>Be right back.</body></html>").build()
                : new MockResponse.Builder().code(200).build());
        try (BisonClient client = client()) {
            assertThat(client.scanInterestedReplies(37).replies()).hasSize(25);
        }
        assertThat(requestsFor(PAGE_2)).isEqualTo(3);
    }

    @Test
    void scan_whenEvery200IsCutShort_stopsAtTheAttemptBudgetWithMalformedResponse() {
        failFirst(PAGE_2, 1000, n -> new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("{\"data\": [").build());
        try (BisonClient client = client()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOfSatisfying(BisonMalformedResponseException.class, e ->
                            assertThat(e.getMessage()).contains("GET " + PAGE_2).contains("not valid JSON"));
        }
        assertThat(requestsFor(PAGE_2)).isEqualTo(5);
    }

    @Test
    void scan_whenA200IsJsonOfTheWrongShape_doesNotAskAgain() {
        failFirst(PAGE_2, 1000, n -> FakeBison.json(200, java.util.Map.of("data", "not a list")));
        try (BisonClient client = client()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOf(BisonMalformedResponseException.class);
        }
        assertThat(requestsFor(PAGE_2)).isEqualTo(1);
    }
}
