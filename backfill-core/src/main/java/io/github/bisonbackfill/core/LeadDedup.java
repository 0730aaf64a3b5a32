package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.Lead;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.core.internal.DedupTable;
import io.github.bisonbackfill.core.internal.EmailScan;
import io.github.bisonbackfill.core.internal.Text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The lead rule: one lead per normalised email within one workspace; the reply with the highest
 * reply id wins (reply ids grow over time within an instance, so it is the latest reply).
 *
 * <p>The email is the nested lead's {@code email} when usable, else the reply's
 * {@code from_email_address}. The lead's email comes first because it is the record Email Bison
 * keeps for the person (the one a campaign sent to); the from address can be an alias, an assistant
 * or a forwarding mailbox. Both pass through {@link EmailNormalizer}. A reply with neither usable is
 * rejected with the reason of the first candidate that was present (non-{@code null}), or
 * {@link RejectReason#MISSING} when both were {@code null}; it is never written with a placeholder.
 *
 * <p>Deduplicate one workspace at a time: the destination's key is (email, workspace). Replies with
 * the same id (a scan that saw an item twice) keep the first. One hash-map pass, no streams; the
 * only allocations per reply are a lower-cased copy when the email is not already normalised and
 * a map entry per new email. Stateless and thread-safe.
 *
 * <p>The same call serves a single webhook reply: {@code LeadDedup.apply(List.of(reply))} yields
 * either its {@link UniqueLead} or its {@link RejectedReply}.
 */
public final class LeadDedup {
    private static final Comparator<Reply> BY_REPLY_ID = Comparator.comparingLong(Reply::id);
    private static final int MAX_DETAIL_VALUE = 80;

    private LeadDedup() {
    }

    /**
     * Deduplicates replies by normalised email, keeping the highest reply id per email.
     *
     * @param replies the replies of one workspace, in scan order; not modified
     * @return unique leads, rejects and counts
     * @throws NullPointerException if {@code replies} or one of its elements is {@code null}
     */
    public static LeadDedupResult apply(Collection<Reply> replies) {
        DedupTable<String, Reply> table = new DedupTable<>(replies.size(), BY_REPLY_ID);
        List<RejectedReply> rejected = new ArrayList<>();
        int i = 0;
        for (Reply reply : replies) {
            if (reply == null) {
                throw new NullPointerException("reply at index " + i + " is null");
            }
            i++;
            Lead lead = reply.lead();
            String leadEmail = lead == null ? null : lead.email();
            Object first = EmailScan.normalizeOrReason(leadEmail);
            if (first instanceof String email) {
                table.offer(email, reply);
                continue;
            }
            Object second = EmailScan.normalizeOrReason(reply.fromEmailAddress());
            if (second instanceof String email) {
                table.offer(email, reply);
                continue;
            }
            rejected.add(reject(reply, leadEmail, (RejectReason) first, (RejectReason) second));
        }
        List<UniqueLead> leads = new ArrayList<>(table.size());
        for (Map.Entry<String, Reply> e : table.entries()) {
            leads.add(new UniqueLead(e.getKey(), e.getValue()));
        }
        return new LeadDedupResult(leads, rejected, i, table.offered() - table.size());
    }

    private static RejectedReply reject(Reply reply, String leadEmail, RejectReason leadReason,
                                        RejectReason fromReason) {
        RejectReason reason = leadReason != RejectReason.MISSING ? leadReason : fromReason;
        String detail = "reply " + reply.id() + ": no usable email (lead.email "
                + describe(leadEmail, leadReason) + ", from_email_address "
                + describe(reply.fromEmailAddress(), fromReason) + ")";
        return new RejectedReply(reply.id(), reply.uuid(), reason, detail);
    }

    private static String describe(String value, RejectReason reason) {
        return reason == RejectReason.MISSING ? "missing" : Text.quote(value, MAX_DETAIL_VALUE) + ": " + reason;
    }
}
