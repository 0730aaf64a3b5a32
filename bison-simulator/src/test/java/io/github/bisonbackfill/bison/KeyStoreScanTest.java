package io.github.bisonbackfill.bison;

import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Per-workspace keys minted on demand into a key store, against the simulator. */
class KeyStoreScanTest {
    private BisonSimulator sim;
    private SimulatedInstance main;
    private final ApiKeyStore store = ApiKeyStore.inMemory();

    @BeforeEach
    void start() {
        sim = BisonSimulator.builder().seed(10)
                .instance("main", i -> i.workspace(37, "O'Brien & Sons, LLC", 40, 10)
                        .workspace(12, "Café Ñandú (50%+)", 20, 5))
                .start();
        main = sim.instance("main");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private BisonClient.Builder client() {
        return BisonClient.builder().baseUrl(main.baseUrl()).instanceName("main").superAdminKey(main.superAdminKey())
                .keyStore(store).switchSettleDelay(Duration.ofMillis(1)).retryBaseDelay(Duration.ofMillis(1))
                .retryMaxDelay(Duration.ofMillis(5)).requestsPerSecond(1000);
    }

    @Test
    void aWorkspaceWithoutKey_getsOneMintedAndStoredBeforeUse_andLaterClientsReadWithItWithoutSwitching() {
        String minted;
        try (BisonClient client = client().build()) {
            assertThat(client.keyModeFor(37)).isEqualTo(KeyMode.STORED_API_USER_KEY);
            ScanResult scan = client.scanInterestedReplies(37);

            assertThat(scan.keyMode()).isEqualTo(KeyMode.MINTED_API_USER_KEY);
            assertThat(scan.replies()).extracting(Reply::id)
                    .containsExactlyInAnyOrderElementsOf(main.interestedReplies(37).stream().map(Reply::id).toList());
            assertThat(scan.workspaceName()).isEqualTo("O'Brien & Sons, LLC");
            minted = store.find(client.baseUrl(), 37).orElseThrow();
            assertThat(client.toString()).doesNotContain(minted);
        }
        assertThat(main.counters().keysMinted()).isEqualTo(1);
        assertThat(main.counters().switchRequests()).as("no switch: the key is the workspace's own").isZero();
        // The minted key is the workspace's own (the simulator scopes it to 37).
        assertThat(main.keyId(minted)).isPositive();

        try (BisonClient later = client().build()) {
            ScanResult again = later.scanInterestedReplies(37);
            assertThat(again.keyMode()).isEqualTo(KeyMode.STORED_API_USER_KEY);
            assertThat(again.replies()).hasSize(main.interestedReplies(37).size());
            assertThat(later.scanInterestedReplies(12).keyMode()).isEqualTo(KeyMode.MINTED_API_USER_KEY);
        }
        assertThat(main.counters().keysMinted()).as("one key per workspace per store").isEqualTo(2);
        assertThat(main.counters().switchRequests()).isZero();
    }

    @Test
    void aStoredKeyThatAnswers401_failsTheWorkspace_namingTheFix_andIsReplacedOnlyWhenAsked() {
        String first;
        try (BisonClient client = client().build()) {
            client.scanInterestedReplies(37);
            first = store.find(client.baseUrl(), 37).orElseThrow();
        }
        main.revokeKey(first);

        try (BisonClient client = client().build()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOfSatisfying(BisonAuthException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.getMessage()).contains("key store").contains("replaceRejectedStoredKeys(true)")
                                .contains("--force").doesNotContain(first.substring(first.indexOf('|') + 1));
                    });
        }
        assertThat(main.counters().keysMinted()).as("nothing minted without being asked").isEqualTo(1);
        assertThat(store.find(main.baseUrl(), 37)).contains(first);

        try (BisonClient client = client().replaceRejectedStoredKeys(true).build()) {
            ScanResult scan = client.scanInterestedReplies(37);
            assertThat(scan.keyMode()).isEqualTo(KeyMode.MINTED_API_USER_KEY);
            assertThat(scan.replies()).hasSize(main.interestedReplies(37).size());
        }
        assertThat(main.counters().keysMinted()).isEqualTo(2);
        assertThat(store.find(main.baseUrl(), 37)).get().isNotEqualTo(first);
    }

    @Test
    void aStoredKeyOfAnotherWorkspace_isRefused_asAPermanentContextError() {
        store.getOrCreate(main.baseUrl(), 37, () -> main.mintApiUserKey(12));
        try (BisonClient client = client().build()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOfSatisfying(WorkspaceContextException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.observed()).contains("12");
                    });
        }
    }

    @Test
    void aKeyStore_needsTheSuperAdminKeyThatMintsIntoIt() {
        assertThatThrownBy(() -> BisonClient.builder().baseUrl(main.baseUrl()).workspaceKey(37, main.mintApiUserKey(37))
                .keyStore(store).build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("superAdminKey");
    }
}
