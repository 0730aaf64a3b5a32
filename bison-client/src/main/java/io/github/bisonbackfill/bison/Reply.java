package io.github.bisonbackfill.bison;

import org.jspecify.annotations.Nullable;

import java.time.Instant;

/**
 * One reply as returned by {@code GET /api/replies}. Message bodies ({@code html_body},
 * {@code text_body}, {@code raw_body}) are deliberately not retained: a backfill never needs them
 * and they dominate memory. Unknown fields of the server's JSON are ignored.
 *
 * @param id                    the reply id, unique within its instance only
 * @param uuid                  the reply uuid (used in the inbox URL), or {@code null}
 * @param leadId                the lead id, {@code null} for untracked replies
 * @param lead                  the nested lead, possibly minimal, or {@code null}
 * @param folder                e.g. {@code "Inbox"}, or {@code null}
 * @param interested            whether Email Bison marks the reply interested
 * @param automatedReply        whether Email Bison classified it as an automated reply
 * @param type                  e.g. {@code "Tracked Reply"}, or {@code null}
 * @param subject               the subject line, or {@code null}
 * @param dateReceived          when the reply was received, or {@code null}
 * @param campaignId            the campaign id, or {@code null}
 * @param senderEmailId         the sender email id, or {@code null}
 * @param fromName              the display name of the sender, or {@code null}
 * @param fromEmailAddress      the sender address exactly as sent (may carry stray case and spaces), or
 *                              {@code null}
 * @param primaryToEmailAddress the primary recipient, or {@code null}
 * @param createdAt             creation time, or {@code null}
 * @param updatedAt             last update time, or {@code null}
 */
public record Reply(long id, @Nullable String uuid, @Nullable Long leadId, @Nullable Lead lead, @Nullable String folder,
                    boolean interested, boolean automatedReply, @Nullable String type, @Nullable String subject,
                    @Nullable Instant dateReceived, @Nullable Long campaignId, @Nullable Long senderEmailId,
                    @Nullable String fromName, @Nullable String fromEmailAddress,
                    @Nullable String primaryToEmailAddress, @Nullable Instant createdAt, @Nullable Instant updatedAt) {
}
