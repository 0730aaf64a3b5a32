package io.github.bisonbackfill.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of {@link LeadDedup#apply}: {@code repliesIn == leads.size() + duplicatesDropped +
 * rejected.size()} always holds.
 *
 * @param leads             one entry per normalised email, in order of each email's first
 *                          appearance in the input
 * @param rejected          replies without a usable email, in input order
 * @param repliesIn         replies given
 * @param duplicatesDropped replies that lost to a higher reply id with the same email
 */
public record LeadDedupResult(List<UniqueLead> leads, List<RejectedReply> rejected, int repliesIn,
                              int duplicatesDropped) {
    public LeadDedupResult {
        leads = List.copyOf(leads);
        rejected = List.copyOf(rejected);
        if (repliesIn != leads.size() + rejected.size() + duplicatesDropped) {
            throw new IllegalArgumentException("counts do not add up: repliesIn=" + repliesIn + ", leads="
                    + leads.size() + ", rejected=" + rejected.size() + ", duplicatesDropped=" + duplicatesDropped);
        }
    }

    /** Rejected replies per reason, in {@link RejectReason} order; reasons with none are absent. */
    public Map<RejectReason, Integer> rejectedByReason() {
        EnumMap<RejectReason, Integer> m = new EnumMap<>(RejectReason.class);
        for (RejectedReply r : rejected) {
            m.merge(r.reason(), 1, Integer::sum);
        }
        return Collections.unmodifiableMap(m);
    }
}
