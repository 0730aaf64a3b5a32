package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.Reply;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import static io.github.bisonbackfill.core.Replies.lead;
import static io.github.bisonbackfill.core.Replies.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BillingWindowTest {
    static final ZoneId LA = ZoneId.of("America/Los_Angeles");

    @Test
    void month_march_inLosAngeles_spansTheSpringForward() {
        BillingWindow w = BillingWindow.month(YearMonth.of(2024, 3), LA);
        assertThat(w.start()).isEqualTo(Instant.parse("2024-03-01T08:00:00Z"));
        assertThat(w.end()).isEqualTo(Instant.parse("2024-04-01T07:00:00Z"));
        assertThat(Duration.between(w.start(), w.end())).isEqualTo(Duration.ofDays(31).minusHours(1));
    }

    @Test
    void month_november_inLosAngeles_spansTheFallBack() {
        BillingWindow w = BillingWindow.month(YearMonth.of(2024, 11), LA);
        assertThat(w.start()).isEqualTo(Instant.parse("2024-11-01T07:00:00Z"));
        assertThat(w.end()).isEqualTo(Instant.parse("2024-12-01T08:00:00Z"));
        assertThat(Duration.between(w.start(), w.end())).isEqualTo(Duration.ofDays(30).plusHours(1));
        assertThat(w.lastDay()).isEqualTo(LocalDate.of(2024, 11, 30));
    }

    @Test
    void month_december_rollsIntoTheNextYear() {
        BillingWindow w = BillingWindow.month(YearMonth.of(2024, 12), ZoneId.of("Europe/Berlin"));
        assertThat(w.end()).isEqualTo(Instant.parse("2024-12-31T23:00:00Z"));
    }

    @Test
    void month_leapFebruary_has29Days_andNonLeapHas28() {
        assertThat(Duration.between(BillingWindow.month(YearMonth.of(2024, 2), ZoneOffset.UTC).start(),
                BillingWindow.month(YearMonth.of(2024, 2), ZoneOffset.UTC).end())).isEqualTo(Duration.ofDays(29));
        BillingWindow feb2025 = BillingWindow.month(YearMonth.of(2025, 2), ZoneOffset.UTC);
        assertThat(Duration.between(feb2025.start(), feb2025.end())).isEqualTo(Duration.ofDays(28));
        assertThat(BillingWindow.month(YearMonth.of(2024, 2), LA).lastDay()).isEqualTo(LocalDate.of(2024, 2, 29));
    }

    @Test
    void contains_isHalfOpen_startIncludedEndExcluded() {
        BillingWindow w = BillingWindow.month(YearMonth.of(2024, 3), LA);
        assertThat(w.contains(w.start())).isTrue();
        assertThat(w.contains(w.start().minusNanos(1000))).isFalse();
        assertThat(w.contains(w.end())).isFalse();
        assertThat(w.contains(w.end().minusNanos(1000))).isTrue();
        assertThat(w.contains(null)).isFalse();
        assertThat(BillingWindow.month(YearMonth.of(2024, 4), LA).contains(w.end())).isTrue();
    }

    @Test
    void monthToDate_startsAtTheLocalMonthStart_endsAtNow() {
        // 2024-12-01T05:00Z is still November 30 in Los Angeles.
        Instant now = Instant.parse("2024-12-01T05:00:00Z");
        BillingWindow w = BillingWindow.monthToDate(Clock.fixed(now, ZoneOffset.UTC), LA);
        assertThat(w.month()).isEqualTo(YearMonth.of(2024, 11));
        assertThat(w.start()).isEqualTo(Instant.parse("2024-11-01T07:00:00Z"));
        assertThat(w.end()).isEqualTo(now);
        assertThat(w.firstDay()).isEqualTo(LocalDate.of(2024, 11, 1));
        assertThat(w.lastDay()).isEqualTo(LocalDate.of(2024, 11, 30));
    }

    @Test
    void monthToDate_exactlyAtTheMonthStart_isEmpty() {
        Instant start = Instant.parse("2024-03-01T08:00:00Z");
        BillingWindow w = BillingWindow.monthToDate(start, LA);
        assertThat(w.start()).isEqualTo(w.end());
        assertThat(w.contains(start)).isFalse();
        assertThat(w.lastDay()).isEqualTo(LocalDate.of(2024, 3, 1));
    }

    @Test
    void countReplies_andCountLeads_useDateReceived_boundaryReplyCountsInTheLaterWindow() {
        BillingWindow march = BillingWindow.month(YearMonth.of(2024, 3), LA);
        List<Reply> replies = List.of(
                reply(1, lead(1, "a@x.io", "A", "A"), null, null, march.start()),             // in
                reply(2, lead(1, "a@x.io", "A", "A"), null, null, march.end()),               // April
                reply(3, lead(2, "b@x.io", "B", "B"), null, null, Instant.parse("2024-03-10T10:30:00Z")), // in, DST day
                reply(4, lead(3, "c@x.io", "C", "C"), null, null, march.start().minusSeconds(1)), // February
                reply(5, lead(4, "d@x.io", "D", "D"), null, null, null));                     // no date
        assertThat(march.countReplies(replies)).isEqualTo(2);
        LeadDedupResult leads = LeadDedup.apply(replies);
        // a@x.io's winning reply (id 2) is in April: the lead counts there, as its row's date_received does.
        assertThat(march.countLeads(leads.leads())).isEqualTo(1);
        assertThat(BillingWindow.month(YearMonth.of(2024, 4), LA).countLeads(leads.leads())).isEqualTo(1);
    }

    @Test
    void constructor_endBeforeStart_fails() {
        assertThatThrownBy(() -> new BillingWindow(LA, YearMonth.of(2024, 1), Instant.EPOCH.plusSeconds(1), Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before its start");
    }
}
