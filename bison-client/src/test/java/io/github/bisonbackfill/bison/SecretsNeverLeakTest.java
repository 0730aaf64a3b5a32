package io.github.bisonbackfill.bison;

import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives the client through its failure paths with DEBUG logging on and proves that no key (nor a
 * freshly minted token) reaches a log line, an exception message or a {@code toString()}.
 */
class SecretsNeverLeakTest {
    private static final String MINTED = "99|MintedSecretTokenZZZZ9999";
    private static final List<String> SECRETS = List.of(FakeBison.SUPER_KEY, TestClients.KEY_37, TestClients.KEY_38,
            MINTED, "SuperAdminSecret", "ApiUserSecret", "MintedSecret");

    @RegisterExtension
    final FakeBisonExtension fake = new FakeBisonExtension();
    final FakeBison bison = fake.bison();

    @BeforeEach
    void setUp() {
        bison.workspace(1, "HQ", 3, 0, 1).workspace(12, "Acme", 20, 0, 500).workspace(37, "Harbor", 20, 0, 1000)
                .workspace(38, "Beacon", 5, 0, 2000).apiKey(TestClients.KEY_37, 37).apiKey(TestClients.KEY_38, 38);
        bison.currentTeam = 1;
    }

    @Test
    void noSecretInLogsExceptionsOrToString_acrossFailurePaths() {
        List<String> texts = new ArrayList<>();
        LogCapture.Result run = LogCapture.capture(() -> {
            try (BisonClient client = fake.client().superAdminKey(FakeBison.SUPER_KEY)
                    .workspaceKey(37, TestClients.KEY_37).workspaceKey(12, TestClients.KEY_38)
                    .maxContextRecoveries(1).maxAttempts(3).build()) {
                texts.add(client.toString());

                // 429 and 503 retries (DEBUG lines), a dropped connection, then success.
                AtomicInteger n = new AtomicInteger();
                bison.fault = r -> r.getTarget().startsWith("/api/replies") && n.incrementAndGet() <= 2
                        ? (n.get() == 1 ? FakeBison.json(429, Map.of("message", "Bearer " + TestClients.KEY_37))
                        : new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build())
                        : null;
                texts.add(client.scanInterestedReplies(37).toString());

                // A malformed body that echoes the key.
                bison.fault = r -> r.getTarget().startsWith("/api/replies")
                        ? FakeBison.raw(200, "{\"echo\": \"" + TestClients.KEY_37 + "\", broken") : null;
                texts.add(failure(() -> client.scanInterestedReplies(37)));

                // 401 whose body echoes the key, and a server error that stays.
                bison.fault = r -> r.getTarget().startsWith("/api/replies")
                        ? FakeBison.json(401, Map.of("message", "bad key " + FakeBison.SUPER_KEY)) : null;
                texts.add(failure(() -> client.scanInterestedReplies(37)));
                bison.fault = r -> r.getTarget().startsWith("/api/replies") ? FakeBison.json(503, Map.of()) : null;
                texts.add(failure(() -> client.scanInterestedReplies(37)));
                bison.fault = r -> null;

                // A key configured for the wrong workspace.
                texts.add(failure(() -> client.scanInterestedReplies(12)));

                // A switch that never lands (WARN lines, then WorkspaceContextException).
                bison.ignoreSwitches = true;
                texts.add(failure(() -> client.scanInterestedReplies(38)));
                bison.ignoreSwitches = false;

                // Minting: the new token is returned, never printed; a malformed mint response redacts it.
                MintedKey key = client.mintApiUserKey(38, "bison-backfill");
                assertThat(key.token()).isEqualTo(MINTED);
                texts.add(key.toString());
                bison.fault = r -> r.getMethod().equals("POST") && r.getTarget().endsWith("api-tokens")
                        ? FakeBison.raw(200, "{\"data\": {\"plain_text_token\": \"" + MINTED + "\"") : null;
                texts.add(failure(() -> client.mintApiUserKey(38, "again")));
            }
        });
        texts.add(BisonClient.builder().superAdminKey(FakeBison.SUPER_KEY).workspaceKey(37, TestClients.KEY_37).toString());
        texts.add(failure(() -> BisonClient.builder().superAdminKey(" 1|abc def ")));

        assertThat(run.log()).as("logs were captured").contains("retrying GET").contains("WARN");
        for (String secret : SECRETS) {
            assertThat(run.log()).doesNotContain(secret);
            assertThat(texts).allSatisfy(t -> assertThat(t).doesNotContain(secret));
        }
        assertThat(texts).anySatisfy(t -> assertThat(t).contains("<redacted>"));
    }

    private static String failure(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            StringBuilder all = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                all.append(t).append('\n');
                if (t instanceof BisonServiceException s) {
                    all.append(s.body()).append('\n');
                }
                if (t instanceof BisonMalformedResponseException m) {
                    all.append(m.excerpt()).append('\n');
                }
            }
            return all.toString();
        }
        throw new AssertionError("expected a failure");
    }
}
