package io.github.bisonbackfill.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The dedup step of a client report.
 *
 * @param uniqueLeads       distinct normalised emails (Email Bison's distinct interested leads)
 * @param duplicatesDropped replies that lost to a higher reply id of the same email
 * @param rejectedByReason  rejected replies per reason, in {@link RejectReason} order
 * @param rejects           every rejected reply with its reason
 */
public record DedupStats(int uniqueLeads, int duplicatesDropped, Map<RejectReason, Integer> rejectedByReason,
                         List<RejectedReply> rejects) {
    public DedupStats {
        EnumMap<RejectReason, Integer> m = new EnumMap<>(RejectReason.class);
        if (rejectedByReason != null) {
            m.putAll(rejectedByReason);
        }
        rejectedByReason = Collections.unmodifiableMap(m);
        rejects = rejects == null ? List.of() : List.copyOf(rejects);
    }

    /**
     * @param r a dedup result
     * @return its statistics
     */
    public static DedupStats from(LeadDedupResult r) {
        return new DedupStats(r.leads().size(), r.duplicatesDropped(), r.rejectedByReason(), r.rejected());
    }

    /** How many replies were rejected. */
    public int rejected() {
        return rejects.size();
    }
}
