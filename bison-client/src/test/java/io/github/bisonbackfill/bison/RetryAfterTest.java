package io.github.bisonbackfill.bison;

import io.github.bisonbackfill.bison.internal.RetryAfter;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {
    private final Clock clock = Clock.fixed(Instant.parse("2025-10-14T17:03:21Z"), ZoneOffset.UTC);

    @Test
    void parse_readsDeltaSeconds() {
        assertThat(RetryAfter.parse(" 120 ", clock)).isEqualTo(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("0", clock)).isEqualTo(Duration.ZERO);
    }

    @Test
    void parse_readsAnHttpDateAgainstTheClock() {
        assertThat(RetryAfter.parse("Tue, 14 Oct 2025 17:03:51 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void parse_treatsAPastDateAsNoWait() {
        assertThat(RetryAfter.parse("Tue, 14 Oct 2025 17:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
    }

    @Test
    void parse_returnsNullForAbsentOrUnreadableValues() {
        assertThat(RetryAfter.parse(null, clock)).isNull();
        assertThat(RetryAfter.parse("", clock)).isNull();
        assertThat(RetryAfter.parse("soon", clock)).isNull();
        assertThat(RetryAfter.parse("-5", clock)).isNull();
    }
}
