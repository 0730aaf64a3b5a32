package io.github.bisonbackfill.supabase.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RestClientTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void retryAfter_acceptsSecondsAndHttpDates() {
        assertThat(RestClient.retryAfter("120", clock)).isEqualTo(Duration.ofSeconds(120));
        assertThat(RestClient.retryAfter("Thu, 01 Jan 2026 00:00:30 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RestClient.retryAfter("Wed, 31 Dec 2025 00:00:30 GMT", clock)).isEqualTo(Duration.ZERO);
        assertThat(RestClient.retryAfter("soon", clock)).isNull();
        assertThat(RestClient.retryAfter(null, clock)).isNull();
    }

    @Test
    void delay_honoursTheServersRetryAfter_evenAboveTheBackoffCap() throws Exception {
        try (RestClient client = new RestClient("http://127.0.0.1:1", "k", null, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofMinutes(5), 3, Duration.ofMillis(10), Duration.ofMillis(20), 2, new ObjectMapper(), clock, b -> { })) {
            RestResponse limited = new RestResponse(429, Map.of("retry-after", "7"), new byte[0]);
            RestResponse plain = new RestResponse(503, Map.of(), new byte[0]);

            assertThat(client.delay(1, limited)).isEqualTo(Duration.ofSeconds(7));
            assertThat(client.delay(4, plain)).isBetween(Duration.ofMillis(10), Duration.ofMillis(20));
        }
    }

    @Test
    void backoff_growsExponentially_isJitteredDownByAtMostHalf_andCapped() {
        Duration base = Duration.ofMillis(100);
        Duration max = Duration.ofSeconds(1);
        for (int i = 0; i < 50; i++) {
            assertThat(RestClient.backoff(1, base, max)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(RestClient.backoff(3, base, max)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
            assertThat(RestClient.backoff(40, base, max)).isBetween(Duration.ofMillis(500), max);
        }
    }
}
