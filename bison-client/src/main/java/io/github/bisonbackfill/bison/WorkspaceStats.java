package io.github.bisonbackfill.bison;

import java.time.LocalDate;

/**
 * A workspace's statistics for a date range, from {@code GET /api/workspaces/v1.1/stats}. Email
 * Bison may send numbers as strings; they are parsed leniently. {@code interested} counts replies,
 * not unique leads.
 *
 * @param workspaceId            the workspace
 * @param start                  first day, inclusive
 * @param end                    last day, inclusive
 * @param emailsSent             emails sent
 * @param totalLeadsContacted    leads contacted
 * @param opened                 opens
 * @param uniqueRepliesPerContact unique replies per contact
 * @param bounced                bounces
 * @param unsubscribed           unsubscribes
 * @param interested             interested replies (not unique leads)
 */
public record WorkspaceStats(long workspaceId, LocalDate start, LocalDate end, long emailsSent,
                             long totalLeadsContacted, long opened, long uniqueRepliesPerContact,
                             long bounced, long unsubscribed, long interested) {
}
