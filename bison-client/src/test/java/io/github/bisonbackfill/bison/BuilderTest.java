package io.github.bisonbackfill.bison;

import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BuilderTest {
    @StartStop
    final MockWebServer server = new MockWebServer();

    @Test
    void build_withoutBaseUrl_failsFast() {
        assertThatThrownBy(() -> BisonClient.builder().superAdminKey("1|abc").build())
                .isInstanceOf(IllegalStateException.class).hasMessage("baseUrl is required");
    }

    @Test
    void build_withoutAnyKey_failsFast() {
        assertThatThrownBy(() -> BisonClient.builder().baseUrl("https://send.agency.example").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a superAdminKey or at least one workspaceKey is required");
    }

    @Test
    void build_refusesPlainHttpToANonLoopbackHost_unlessAllowed() {
        assertThatThrownBy(() -> BisonClient.builder().baseUrl("http://send.agency.example").superAdminKey("1|abc").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("plain http://")
                .hasMessageContaining("allowInsecureHttp(true)");
        BisonClient.builder().baseUrl("http://send.agency.example").allowInsecureHttp(true).superAdminKey("1|abc").build()
                .close();
        BisonClient.builder().baseUrl("http://127.0.0.1:8080").superAdminKey("1|abc").build().close();
        BisonClient.builder().baseUrl("http://localhost:8080").superAdminKey("1|abc").build().close();
    }

    @Test
    void build_refusesOtherSchemesAndQueries() {
        assertThatThrownBy(() -> BisonClient.builder().baseUrl("ftp://x.example").superAdminKey("1|abc").build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> BisonClient.builder().baseUrl("https://x.example/?a=b").superAdminKey("1|abc").build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aKeyPassedAsTheBaseUrlByMistake_isNeverEchoed_norShownByToString() {
        String key = "12|eb_Xq7Zk9mN2pL4sT8vW1yB3";
        BisonClient.Builder b = BisonClient.builder().baseUrl(key).superAdminKey("1|abcdefghij");
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Xq7Zk9mN2pL4sT8vW1yB3"));
        assertThat(b.toString()).doesNotContain("Xq7Zk9mN2pL4sT8vW1yB3");
        BisonClient.Builder spaced = BisonClient.builder().baseUrl("12|secret with spaces").superAdminKey("1|abcdefghij");
        assertThatThrownBy(spaced::build).isInstanceOf(IllegalStateException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
    }

    @Test
    void baseUrl_withTheDefaultPort_isTheSameInstanceAsWithout() {
        try (BisonClient a = BisonClient.builder().baseUrl("https://send.agency.example:443/api/").superAdminKey("1|abcdefghij").build();
             BisonClient b = BisonClient.builder().baseUrl("https://send.agency.example").superAdminKey("1|abcdefghij").build();
             BisonClient c = BisonClient.builder().baseUrl("https://send.agency.example:8443").superAdminKey("1|abcdefghij").build()) {
            assertThat(a.baseUrl()).isEqualTo(b.baseUrl()).isEqualTo("https://send.agency.example");
            assertThat(c.baseUrl()).isEqualTo("https://send.agency.example:8443");
        }
    }

    @Test
    void instanceName_defaultsToTheHost() {
        try (BisonClient client = BisonClient.builder().baseUrl("https://Send.Agency.example/").superAdminKey("1|abc")
                .build()) {
            assertThat(client.instanceName()).isEqualTo("send.agency.example");
        }
    }

    @Test
    void baseUrl_returnsTheNormalisedUrlWithoutApi() {
        try (BisonClient client = BisonClient.builder().baseUrl(" HTTPS://Send.Agency.example/api/ ").superAdminKey("1|abc")
                .build()) {
            assertThat(client.baseUrl()).isEqualTo("https://send.agency.example");
        }
        try (BisonClient client = BisonClient.builder().baseUrl("https://send.agency.example:8443/bison")
                .workspaceKey(37, "2|secret-key").build()) {
            assertThat(client.baseUrl()).isEqualTo("https://send.agency.example:8443/bison")
                    .doesNotContain("secret-key");
        }
        try (BisonClient client = BisonClient.builder().baseUrl("http://127.0.0.1:9000/").superAdminKey("1|abc").build()) {
            assertThat(client.baseUrl()).isEqualTo("http://127.0.0.1:9000");
        }
    }

    @Test
    void baseUrl_withTrailingApi_isNotDoubled() throws Exception {
        server.enqueue(FakeBison.json(200, Map.of("data", java.util.List.of(Map.of("id", 1, "name", "HQ")))));
        try (BisonClient client = BisonClient.builder().baseUrl(server.url("/api/").toString()).superAdminKey("1|abc")
                .build()) {
            assertThat(client.listWorkspaces()).containsExactly(new Workspace(1, "HQ"));
        }
        assertThat(server.takeRequest().getTarget()).isEqualTo("/api/workspaces/v1.1");
    }

    @Test
    void keys_areTrimmed_andMalformedOnesRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> BisonClient.builder().workspaceKey(37, "  "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("workspaceKey for workspace 37 is blank");
        assertThatThrownBy(() -> BisonClient.builder().superAdminKey("1|xyzzy qq"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("xyzzy");
        assertThatThrownBy(() -> BisonClient.builder().workspaceKey(0, "1|abc"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BisonClient.builder().superAdminKey(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void settings_areValidated() {
        BisonClient.Builder b = BisonClient.builder();
        assertThatThrownBy(() -> b.attemptTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.switchSettleDelay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.requestsPerSecond(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.requestsPerSecond(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.pageParallelism(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.maxContextRecoveries(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BisonClient.builder().baseUrl("https://x.example").superAdminKey("1|abc")
                .retryBaseDelay(Duration.ofSeconds(5)).retryMaxDelay(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keyModeFor_aWorkspaceWithoutKey_explainsWhatToConfigure() {
        try (BisonClient client = BisonClient.builder().baseUrl("https://x.example").workspaceKey(37, "37|abc").build()) {
            assertThat(client.keyModeFor(37)).isEqualTo(KeyMode.API_USER_KEY);
            assertThatThrownBy(() -> client.keyModeFor(12)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("workspaceKey(12, ...) or a superAdminKey");
        }
    }

    @Test
    void close_isIdempotent_andLaterCallsFail() {
        BisonClient client = BisonClient.builder().baseUrl("https://x.example").workspaceKey(37, "37|abc").build();
        client.close();
        client.close();
        assertThatThrownBy(() -> client.scanInterestedReplies(37)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void defaults_areTheDocumentedConstants() {
        assertThat(BisonClient.DEFAULT_SWITCH_SETTLE_DELAY).isEqualTo(Duration.ofSeconds(2));
        assertThat(BisonClient.DEFAULT_FENCE_GROUP_SIZE).isEqualTo(8);
        assertThat(BisonClient.DEFAULT_PAGE_PARALLELISM).isLessThanOrEqualTo(BisonClient.DEFAULT_MAX_CONCURRENT_REQUESTS);
    }
}
