package io.github.bisonbackfill.bison.simulator.internal;

import io.github.bisonbackfill.bison.Reply;
import org.jspecify.annotations.Nullable;

import java.time.Instant;

/**
 * A reply as the simulator stores it. Internal.
 *
 * @param id               the reply id (per instance)
 * @param uuid             the reply uuid
 * @param workspaceId      the workspace the reply belongs to
 * @param lead             the lead, {@code null} for an untracked reply
 * @param minimalLead      whether the nested lead is served minimal (id and email only)
 * @param folder           the folder ({@code Inbox}, {@code Spam})
 * @param read             read flag
 * @param interested       interested flag
 * @param automated        automated-reply flag
 * @param subject          subject
 * @param textBody         text body
 * @param htmlBody         HTML body
 * @param rawBody          raw MIME body
 * @param dateReceived     when received (whole seconds)
 * @param scheduledEmailId scheduled email id or {@code null}
 * @param campaignId       campaign id or {@code null}
 * @param senderEmailId    sender email id
 * @param fromName         from name (may contain commas) or {@code null}
 * @param fromEmail        from address as sent (stray case/spaces), {@code null} when missing
 * @param toName           the agency sender's name
 * @param toAddress        the agency sender's address
 * @param createdAt        creation time
 * @param updatedAt        update time
 */
public record SimReply(long id, String uuid, long workspaceId, @Nullable SimLead lead, boolean minimalLead, String folder,
                       boolean read, boolean interested, boolean automated, String subject, String textBody,
                       String htmlBody, String rawBody, Instant dateReceived, @Nullable Long scheduledEmailId,
                       @Nullable Long campaignId, long senderEmailId, @Nullable String fromName,
                       @Nullable String fromEmail, String toName,
                       String toAddress, Instant createdAt, Instant updatedAt) {

    /**
     * Whether the reply is tracked (has a lead).
     *
     * @return {@code true} when tracked
     */
    public boolean tracked() {
        return lead != null;
    }

    /**
     * The value the client library would parse from this reply's JSON.
     *
     * @return the reply value
     */
    public Reply toReply() {
        return new Reply(id, uuid, lead == null ? null : lead.id(),
                lead == null ? null : (minimalLead ? lead.toMinimalLead() : lead.toLead()),
                folder, interested, automated, tracked() ? "Tracked Reply" : "Untracked Reply", subject,
                dateReceived, campaignId, senderEmailId, fromName, fromEmail, toAddress, createdAt, updatedAt);
    }
}
