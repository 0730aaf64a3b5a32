package io.github.bisonbackfill.bison;

import mockwebserver3.MockWebServer;

import java.time.Duration;

/** Builders with millisecond settings, so tests never wait for real delays. */
final class TestClients {
    static final String KEY_37 = "37|ApiUserSecretForThirtySeven37";
    static final String KEY_38 = "38|ApiUserSecretForThirtyEight38";

    private TestClients() {
    }

    static BisonClient.Builder fast(MockWebServer server) {
        return BisonClient.builder()
                .baseUrl(server.url("/").toString())
                .instanceName("test-instance")
                .retryBaseDelay(Duration.ofMillis(1))
                .retryMaxDelay(Duration.ofMillis(5))
                .switchSettleDelay(Duration.ofMillis(1))
                .verificationInterval(Duration.ofMillis(2))
                .verificationAttempts(5)
                .contextRecoveryBaseDelay(Duration.ofMillis(1))
                .contextRecoveryMaxDelay(Duration.ofMillis(5))
                .requestsPerSecond(10_000)
                .attemptTimeout(Duration.ofSeconds(5))
                .callTimeout(Duration.ofSeconds(20));
    }
}
