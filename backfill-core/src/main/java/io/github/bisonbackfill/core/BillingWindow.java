package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.Reply;
import org.jspecify.annotations.Nullable;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Collection;
import java.util.Objects;
import java.util.function.Function;

/**
 * A half-open time window {@code [start, end)} used to count leads for billing: a whole calendar
 * month or a month to date, in a named IANA zone. Boundaries are the local midnights of the zone
 * ({@link LocalDate#atStartOfDay(ZoneId)}, which also handles zones whose DST change happens at
 * midnight), so a March window in {@code America/Los_Angeles} is one hour shorter than 31 days and
 * a November window one hour longer than 30. A reply received exactly at {@code start} counts; one
 * received exactly at {@code end} belongs to the next window.
 *
 * <p>To compare with Supabase, count rows with {@code date_received >= start} and
 * {@code date_received < end}: {@link #countLeads} uses the same rule (the winning reply's date).
 *
 * @param zone  the zone the month is reckoned in
 * @param month the calendar month
 * @param start first instant inside the window
 * @param end   first instant after the window ({@code start} for an empty window)
 */
public record BillingWindow(ZoneId zone, YearMonth month, Instant start, Instant end) {
    /**
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code end} is before {@code start}
     */
    public BillingWindow {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(month, "month");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("window end " + end + " is before its start " + start);
        }
    }

    /**
     * The whole month: from its first local midnight to the next month's.
     *
     * @param month the month
     * @param zone  an IANA zone such as {@code America/Los_Angeles}
     * @return the window
     */
    public static BillingWindow month(YearMonth month, ZoneId zone) {
        return new BillingWindow(zone, month, month.atDay(1).atStartOfDay(zone).toInstant(),
                month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant());
    }

    /**
     * The current month up to {@code now}: {@code [first local midnight of now's month, now)}.
     *
     * @param now  the end, exclusive
     * @param zone the zone
     * @return the window
     */
    public static BillingWindow monthToDate(Instant now, ZoneId zone) {
        YearMonth month = YearMonth.from(now.atZone(zone));
        return new BillingWindow(zone, month, month.atDay(1).atStartOfDay(zone).toInstant(), now);
    }

    /**
     * {@link #monthToDate(Instant, ZoneId)} at the clock's instant.
     *
     * @param clock the clock
     * @param zone  the zone
     * @return the window
     */
    public static BillingWindow monthToDate(Clock clock, ZoneId zone) {
        return monthToDate(clock.instant(), zone);
    }

    /**
     * @param t an instant, may be {@code null}
     * @return whether {@code start <= t < end}; {@code false} for {@code null}
     */
    public boolean contains(@Nullable Instant t) {
        return t != null && !t.isBefore(start) && t.isBefore(end);
    }

    /** The first local date of the window, for Email Bison's {@code stats?start_date=}. */
    public LocalDate firstDay() {
        return start.atZone(zone).toLocalDate();
    }

    /**
     * The last local date touched by the window (inclusive), for Email Bison's
     * {@code stats?end_date=}; for an empty window, {@link #firstDay()}. Email Bison does not
     * document the zone of its stats dates, so its counts may differ near the boundaries.
     */
    public LocalDate lastDay() {
        return end.equals(start) ? firstDay() : end.minusNanos(1).atZone(zone).toLocalDate();
    }

    /**
     * Counts items whose time falls in the window; items with a {@code null} time are not counted.
     *
     * @param items the items
     * @param time  extracts the time
     * @param <T>   item type
     * @return how many fall in the window
     */
    public <T> long count(Iterable<? extends T> items, Function<? super T, ? extends @Nullable Instant> time) {
        long n = 0;
        for (T item : items) {
            if (contains(time.apply(item))) {
                n++;
            }
        }
        return n;
    }

    /**
     * Counts replies by {@code date_received} (Email Bison's {@code interested} counts replies).
     *
     * @param replies the replies
     * @return how many were received in the window
     */
    public long countReplies(Collection<Reply> replies) {
        return count(replies, Reply::dateReceived);
    }

    /**
     * Counts deduplicated leads by their winning reply's {@code date_received}: the same rule as
     * counting {@code client_leads} rows by {@code date_received}.
     *
     * @param leads leads from {@link LeadDedup}
     * @return how many fall in the window
     */
    public long countLeads(Collection<UniqueLead> leads) {
        return count(leads, l -> l.reply().dateReceived());
    }
}
