package io.github.bisonbackfill.core;

import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * A reply that could not become a lead, with the reason. Counted in reports, never written.
 *
 * @param replyId   the reply id
 * @param replyUuid the reply uuid, or {@code null}
 * @param reason    the rule the email broke
 * @param detail    a human-readable explanation naming the field and a quoted, escaped, shortened
 *                  rendering of the offending value
 */
public record RejectedReply(long replyId, @Nullable String replyUuid, RejectReason reason, String detail) {
    public RejectedReply {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }
}
