package io.github.bisonbackfill.supabase;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each setter of {@link SupabaseWriter.Builder} checks its value at once, naming the option and the allowed range. */
class BuilderChecksTest {
    @Test
    void countsBelowOne_areRefusedByTheSetter() {
        Map<String, IntFunction<SupabaseWriter.Builder>> setters = Map.of(
                "batchSize", n -> SupabaseWriter.builder().batchSize(n),
                "maxBatchBytes", n -> SupabaseWriter.builder().maxBatchBytes(n),
                "concurrentBatches", n -> SupabaseWriter.builder().concurrentBatches(n),
                "maxAttempts", n -> SupabaseWriter.builder().maxAttempts(n),
                "pageSize", n -> SupabaseWriter.builder().pageSize(n));
        setters.forEach((name, setter) -> assertThatThrownBy(() -> setter.apply(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(name + " must be at least 1, got 0"));
    }

    @Test
    void durationsThatAreNotPositive_areRefusedByTheSetter() {
        SupabaseWriter.Builder b = SupabaseWriter.builder();
        assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectTimeout must be positive, got PT0S");
        assertThatThrownBy(() -> b.attemptTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("attemptTimeout must be positive, got PT-1S");
        assertThatThrownBy(() -> b.callTimeout(Duration.ZERO)).hasMessageStartingWith("callTimeout must be positive");
        assertThatThrownBy(() -> b.retryBaseDelay(Duration.ZERO)).hasMessageStartingWith("retryBaseDelay must be positive");
        assertThatThrownBy(() -> b.retryMaxDelay(Duration.ZERO)).hasMessageStartingWith("retryMaxDelay must be positive");
        assertThatThrownBy(() -> b.callTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("callTimeout must not be null");
    }

    @Test
    void blankTextsAndMissingObjects_areRefusedByTheSetter() {
        SupabaseWriter.Builder b = SupabaseWriter.builder();
        assertThatThrownBy(() -> b.projectUrl(" ")).isInstanceOf(IllegalArgumentException.class).hasMessage("projectUrl must not be blank");
        assertThatThrownBy(() -> b.restUrl(null)).isInstanceOf(NullPointerException.class).hasMessage("restUrl must not be null");
        assertThatThrownBy(() -> b.apiKey(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("apiKey must not be blank");
        assertThatThrownBy(() -> b.schema("")).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("schema must not be blank");
        assertThatThrownBy(() -> b.objectMapper(null)).isInstanceOf(NullPointerException.class).hasMessage("objectMapper must not be null");
    }
}
