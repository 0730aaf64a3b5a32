package io.github.bisonbackfill.core;

import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Objects;

/**
 * One client's KPIs for one month (or month to date): the row of the {@code kpi} command's CSV and
 * JSON, of the {@code client_kpi_runs} table and of the HTML report. A figure that could not be
 * obtained is {@code null} (an empty CSV cell, a JSON {@code null}, an SQL {@code NULL}), never a
 * placeholder; {@link #error()} then says why.
 *
 * <p>The CSV headers ({@link KpiReport#CSV_HEADERS}) are these components in snake_case, the JSON keys
 * the components' names; both are a stable contract (see {@code docs/backfill-core.md}).
 *
 * @param month            the month counted
 * @param zone             the zone its bounds are reckoned in
 * @param windowStart      start of the half-open window {@code [windowStart, windowEnd)}
 * @param windowEnd        its end: the next month's start, or "now" for a month to date
 * @param instance         the Email Bison instance name
 * @param workspaceId      the workspace id within it
 * @param client           the client's name ({@code workspace_name} of its rows)
 * @param leads            all rows of the client in the table (any date), or {@code null}
 * @param rowsInWindow     rows with {@code date_received} in the window, or {@code null}
 * @param ebUniqueLeads    Email Bison's unique interested leads whose winning reply is in the window,
 *                         or {@code null}
 * @param ebReplies        Email Bison's interested replies received in the window, or {@code null}
 * @param ebInterestedStat Email Bison's own {@code interested} statistic for the window's days
 *                         (replies, its zone undocumented), or {@code null}
 * @param error            why a figure is missing (redacted), else {@code null}
 */
public record KpiRow(YearMonth month, ZoneId zone, Instant windowStart, Instant windowEnd, String instance,
                     long workspaceId, String client, @Nullable Long leads, @Nullable Long rowsInWindow,
                     @Nullable Long ebUniqueLeads, @Nullable Long ebReplies, @Nullable Long ebInterestedStat,
                     @Nullable String error) {
    /** @throws NullPointerException if a component other than the figures and {@code error} is {@code null} */
    public KpiRow {
        Objects.requireNonNull(month, "month");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(windowEnd, "windowEnd");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(client, "client");
    }

    /**
     * The row of one client of a billing count.
     *
     * @param counts the client's counts in a window, or {@code null} when it could not be counted
     * @param window the window (used when {@code counts} is {@code null})
     * @param client the client
     * @param leads  its rows in the table (any date), or {@code null}
     * @param error  why something is missing, or {@code null}
     * @return the row
     */
    public static KpiRow of(@Nullable BillingCounts counts, BillingWindow window, ClientKey client, @Nullable Long leads,
                            @Nullable ErrorInfo error) {
        BillingWindow w = counts == null ? window : counts.window();
        return new KpiRow(w.month(), w.zone(), w.start(), w.end(), client.instance(), client.workspaceId(),
                client.clientName(), leads, counts == null ? null : counts.supabaseRows(),
                counts == null ? null : counts.bisonUniqueLeads(), counts == null ? null : counts.bisonInterestedReplies(),
                counts == null ? null : counts.bisonInterestedStat(), error == null ? null : error.message());
    }

    /**
     * Whether the table's rows in the window differ from Email Bison's unique leads in it (both known).
     *
     * @return {@code true} on a mismatch
     */
    public boolean mismatch() {
        return rowsInWindow != null && ebUniqueLeads != null && !rowsInWindow.equals(ebUniqueLeads);
    }
}
