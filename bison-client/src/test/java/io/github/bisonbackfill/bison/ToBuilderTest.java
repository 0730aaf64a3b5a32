package io.github.bisonbackfill.bison;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BisonClient#toBuilder()} copies every setting. The round trip compares every field of the
 * builder by reflection, and first checks that this test set every field to a non-default value: a
 * new option added to the builder fails here until it is both set below and copied by toBuilder.
 */
class ToBuilderTest {
    static final String SUPER_ADMIN_KEY = "1|superAdminSecretXq7Zk9mN2pL4";
    static final String WORKSPACE_KEY = "37|workspaceSecretT8vW1yB3cD5f";

    @TempDir
    Path dir;

    BisonClient.Builder everyOptionSet() {
        Consumer<org.apache.hc.client5.http.impl.classic.HttpClientBuilder> customizer = b -> { };
        return BisonClient.builder()
                .baseUrl("http://127.0.0.1:9")
                .instanceName("agency-main")
                .allowInsecureHttp(true)
                .workspaceKey(37, WORKSPACE_KEY)
                .superAdminKey(SUPER_ADMIN_KEY)
                .attemptTimeout(Duration.ofSeconds(31))
                .callTimeout(Duration.ofMinutes(3))
                .maxAttempts(7)
                .retryBaseDelay(Duration.ofMillis(501))
                .retryMaxDelay(Duration.ofSeconds(31))
                .requestsPerSecond(11.5)
                .maxConcurrentRequests(5)
                .switchSettleDelay(Duration.ofMillis(2001))
                .verificationAttempts(11)
                .verificationInterval(Duration.ofMillis(251))
                .pageParallelism(3)
                .fenceGroupSize(9)
                .maxContextRecoveries(2)
                .contextRecoveryBudget(Duration.ofMinutes(4))
                .contextRecoveryBaseDelay(Duration.ofMillis(1001))
                .contextRecoveryMaxDelay(Duration.ofSeconds(21))
                .keyStore(ApiKeyStore.inMemory())
                .replaceRejectedStoredKeys(true)
                .sessionLock(SessionLock.fileLock(dir))
                .httpClientCustomizer(customizer)
                .timing(new FakeTiming(java.time.Instant.parse("2026-01-01T00:00:00Z")));
    }

    @Test
    void toBuilder_copiesEverySettingOfTheBuilder() throws Exception {
        BisonClient.Builder original = everyOptionSet();
        assertEveryFieldDiffers(original, BisonClient.builder());
        try (BisonClient client = original.build()) {
            assertEveryFieldEqual(client.toBuilder(), original);
        }
    }

    @Test
    void aVariant_changesOnlyWhatIsSet_andNeitherTheClientNorLaterCopies() {
        try (BisonClient client = everyOptionSet().build()) {
            BisonClient.Builder copy = client.toBuilder().workspaceKey(12, "12|anotherSecretAb3dEf6hIj");
            try (BisonClient variant = copy.requestsPerSecond(5).build()) {
                assertThat(variant.instanceName()).isEqualTo("agency-main");
                assertThat(variant.baseUrl()).isEqualTo(client.baseUrl());
                assertThat(variant.keyModeFor(37)).isEqualTo(KeyMode.API_USER_KEY);
                assertThat(variant.keyModeFor(12)).isEqualTo(KeyMode.API_USER_KEY);
            }
            // The workspace key added to the copy did not reach the client's own settings.
            assertThat(client.toBuilder().toString()).contains("workspaceKeys=[37]");
        }
    }

    @Test
    void theKeys_areNeverShownByTheCopiedBuilder() {
        try (BisonClient client = everyOptionSet().build()) {
            String shown = client.toBuilder().toString() + client;
            assertThat(shown).doesNotContain("superAdminSecret").doesNotContain("workspaceSecret")
                    .doesNotContain(SUPER_ADMIN_KEY).doesNotContain(WORKSPACE_KEY).contains("<redacted>");
        }
    }

    static void assertEveryFieldDiffers(Object set, Object fresh) throws IllegalAccessException {
        List<String> unset = new ArrayList<>();
        for (Field f : instanceFields(set.getClass())) {
            if (String.valueOf(f.get(set)).equals(String.valueOf(f.get(fresh)))) {
                unset.add(f.getName());
            }
        }
        assertThat(unset).as("builder fields this test leaves at their default: set them in everyOptionSet()").isEmpty();
    }

    static void assertEveryFieldEqual(Object copy, Object original) throws IllegalAccessException {
        for (Field f : instanceFields(original.getClass())) {
            assertThat(f.get(copy)).as("toBuilder() must copy " + f.getName()).isEqualTo(f.get(original));
        }
    }

    static List<Field> instanceFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
                f.setAccessible(true);
                fields.add(f);
            }
        }
        assertThat(fields).isNotEmpty();
        return fields;
    }
}
