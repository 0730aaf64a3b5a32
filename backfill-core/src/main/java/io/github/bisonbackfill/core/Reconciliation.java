package io.github.bisonbackfill.core;

import org.jspecify.annotations.Nullable;

/**
 * Email Bison against Supabase for one client after a run. The seed compared replies with leads
 * and accepted a gap of 2; this compares like with like: distinct interested emails against rows.
 *
 * @param bisonDistinctEmails  distinct usable emails among Email Bison's interested replies (a
 *                             full scan)
 * @param supabaseRows         {@code client_leads} rows of this workspace after the run
 * @param bisonInterestedStat  Email Bison's own {@code interested} statistic for the same period
 *                             (counts replies, not leads), or {@code null} when not fetched
 */
public record Reconciliation(long bisonDistinctEmails, long supabaseRows, @Nullable Long bisonInterestedStat) {

    /** Rows minus distinct emails: negative = leads missing in Supabase, positive = extra rows. */
    public long difference() {
        return supabaseRows - bisonDistinctEmails;
    }

    /** Whether Supabase holds exactly one row per distinct Email Bison email. */
    public boolean matches() {
        return difference() == 0;
    }
}
