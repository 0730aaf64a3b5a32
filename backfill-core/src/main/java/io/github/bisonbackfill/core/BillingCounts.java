package io.github.bisonbackfill.core;

import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * Counts of one client in a billing window.
 *
 * @param window                 the window
 * @param bisonInterestedReplies interested replies received in it (Email Bison scan)
 * @param bisonUniqueLeads       unique leads whose winning reply was received in it
 * @param supabaseRows           {@code client_leads} rows with {@code date_received} in it, or
 *                               {@code null} when not counted (dry run)
 * @param bisonInterestedStat    Email Bison's {@code interested} statistic for the window's days,
 *                               or {@code null} when not fetched
 */
public record BillingCounts(BillingWindow window, long bisonInterestedReplies, long bisonUniqueLeads,
                            @Nullable Long supabaseRows, @Nullable Long bisonInterestedStat) {
    /** @throws NullPointerException if {@code window} is {@code null} */
    public BillingCounts {
        Objects.requireNonNull(window, "window");
    }
}
