package io.github.bisonbackfill.supabase;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SupabaseWriter#toBuilder()} copies every setting. The round trip compares every field of the
 * builder by reflection, and first checks that this test set every field to a non-default value: a
 * new option added to the builder fails here until it is both set below and copied by toBuilder.
 */
class ToBuilderTest {
    static final String KEY = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.toBuilderSecretSignature";

    static SupabaseWriter.Builder everyOptionSet() {
        Consumer<HttpClientBuilder> customizer = b -> { };
        SupabaseWriter.Builder b = SupabaseWriter.builder()
                .projectUrl("http://127.0.0.1:9")
                .apiKey(KEY)
                .schema("reporting")
                .batchSize(250)
                .maxBatchBytes(500_000)
                .concurrentBatches(3)
                .connectTimeout(Duration.ofSeconds(11))
                .attemptTimeout(Duration.ofSeconds(61))
                .callTimeout(Duration.ofMinutes(6))
                .maxAttempts(4)
                .retryBaseDelay(Duration.ofMillis(501))
                .retryMaxDelay(Duration.ofSeconds(31))
                .pageSize(900)
                .allowInsecureHttp(true)
                .objectMapper(new ObjectMapper())
                .httpClientCustomizer(customizer);
        return b;
    }

    @Test
    void toBuilder_copiesEverySettingOfTheBuilder() throws Exception {
        SupabaseWriter.Builder original = everyOptionSet();
        List<String> unset = new ArrayList<>();
        SupabaseWriter.Builder fresh = SupabaseWriter.builder();
        for (Field f : instanceFields()) {
            // restUrl is the alternative to projectUrl (setting one clears the other): checked below.
            if (!f.getName().equals("restUrl") && String.valueOf(f.get(original)).equals(String.valueOf(f.get(fresh)))) {
                unset.add(f.getName());
            }
        }
        assertThat(unset).as("builder fields this test leaves at their default: set them in everyOptionSet()").isEmpty();
        try (SupabaseWriter writer = original.build()) {
            SupabaseWriter.Builder copy = writer.toBuilder();
            for (Field f : instanceFields()) {
                assertThat(f.get(copy)).as("toBuilder() must copy " + f.getName()).isEqualTo(f.get(original));
            }
        }
        SupabaseWriter.Builder rest = everyOptionSet().restUrl("http://127.0.0.1:3000");
        try (SupabaseWriter writer = rest.build()) {
            assertThat(writer.toBuilder().build().restUrl()).isEqualTo("http://127.0.0.1:3000");
        }
    }

    @Test
    void aVariant_changesOnlyWhatIsSet() {
        try (SupabaseWriter writer = everyOptionSet().build();
             SupabaseWriter variant = writer.toBuilder().batchSize(100).build()) {
            assertThat(variant.batchSize()).isEqualTo(100);
            assertThat(writer.batchSize()).isEqualTo(250);
            assertThat(variant.concurrentBatches()).isEqualTo(3);
            assertThat(variant.restUrl()).isEqualTo(writer.restUrl()).isEqualTo("http://127.0.0.1:9/rest/v1");
        }
    }

    @Test
    void theKey_isNeverShownByTheBuilder() {
        try (SupabaseWriter writer = everyOptionSet().build()) {
            String shown = writer.toBuilder().toString() + everyOptionSet() + writer;
            assertThat(shown).doesNotContain(KEY).doesNotContain("toBuilderSecret").contains("apiKey=<redacted>");
        }
        assertThat(SupabaseWriter.builder().restUrl("https://db.example.com/rest/v1?apikey=" + KEY).toString())
                .doesNotContain("toBuilderSecret");
    }

    @Test
    void theRenamedRetryOptions_andTheirDeprecatedAliases_setTheSameValues() throws Exception {
        @SuppressWarnings("removal")
        SupabaseWriter.Builder old = SupabaseWriter.builder().retryDelay(Duration.ofMillis(7)).maxRetryDelay(Duration.ofMillis(70));
        SupabaseWriter.Builder renamed = SupabaseWriter.builder().retryBaseDelay(Duration.ofMillis(7)).retryMaxDelay(Duration.ofMillis(70));
        for (Field f : instanceFields()) {
            if (f.getName().startsWith("retry")) {
                assertThat(f.get(old)).as(f.getName()).isEqualTo(f.get(renamed)).isNotNull();
            }
        }
        assertThatThrownBy(() -> SupabaseWriter.builder().retryBaseDelay(Duration.ofMillis(9)).retryMaxDelay(Duration.ofMillis(8))
                .restUrl("http://127.0.0.1:9").apiKey(KEY).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("retryMaxDelay").hasMessageContaining("retryBaseDelay");
    }

    static List<Field> instanceFields() {
        List<Field> fields = new ArrayList<>();
        for (Field f : SupabaseWriter.Builder.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
                f.setAccessible(true);
                fields.add(f);
            }
        }
        assertThat(fields).hasSizeGreaterThan(10);
        return fields;
    }
}
