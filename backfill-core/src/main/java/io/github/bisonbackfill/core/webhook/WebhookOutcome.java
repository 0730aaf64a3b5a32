package io.github.bisonbackfill.core.webhook;

import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * What {@link WebhookHandler#handle} did with one delivery, for the caller to turn into an HTTP
 * answer ({@link Status#httpStatus()} is the suggested one) and one log line. Contains no secret.
 *
 * @param status        the outcome
 * @param cause         why it was rejected; {@code null} unless {@code status} is
 *                      {@link Status#REJECTED}
 * @param reason        a human-readable explanation (what was wrong, or what was written); never
 *                      {@code null}
 * @param eventType     {@code event.type} as delivered, or {@code null} when not known
 * @param workspaceName the {@code workspace_name} written (the configured name of the matched
 *                      workspace), else the delivery's {@code event.workspace_name}, or {@code null}
 * @param replyId       the reply id ({@code bison_reply_id}), or {@code null} when not known
 */
public record WebhookOutcome(Status status, @Nullable RejectCause cause, String reason, @Nullable String eventType,
                             @Nullable String workspaceName, @Nullable Long replyId) {

    /**
     * @throws NullPointerException     if {@code status} or {@code reason} is {@code null}
     * @throws IllegalArgumentException if {@code cause} is set for a status other than
     *                                  {@link Status#REJECTED} or missing for it
     */
    public WebhookOutcome {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        if ((status == Status.REJECTED) != (cause != null)) {
            throw new IllegalArgumentException("cause must be set exactly for REJECTED, got " + status + "/" + cause);
        }
    }

    /** The outcome of a delivery. */
    public enum Status {
        /** A {@code lead_interested} delivery was written (inserted, updated, or found unchanged). */
        ACCEPTED(200),
        /** A well-formed, authorised delivery of another event type: nothing to do, not an error. */
        IGNORED(200),
        /**
         * The delivery cannot be written, and sending it again will not help: see
         * {@link WebhookOutcome#cause()}. Nothing was written.
         */
        REJECTED(400),
        /** The request carried no secret or a wrong one. The body was not read. */
        UNAUTHORIZED(401),
        /**
         * Supabase could not be reached or refused the write for a reason that is not the delivery's
         * (I/O, timeout, 5xx, wrong key, missing table). Nothing may be assumed written; the sender
         * should retry (the write is idempotent).
         */
        UNAVAILABLE(503);

        private final int httpStatus;

        Status(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        /**
         * The HTTP status a server should answer: 200 for {@code ACCEPTED} and {@code IGNORED} (a 2xx
         * stops the sender's retries), 400 for {@code REJECTED}, 401 for {@code UNAUTHORIZED}, 503
         * for {@code UNAVAILABLE} (a 5xx invites a retry).
         *
         * @return the status code
         */
        public int httpStatus() {
            return httpStatus;
        }
    }

    /** Why a delivery was {@link Status#REJECTED}. */
    public enum RejectCause {
        /**
         * Not JSON, not a JSON object, no {@code event} object in either shape, no {@code event.type},
         * no {@code data.reply} / {@code data.reply.id}, no {@code event.workspace_id}, or a field of
         * the wrong kind (a date that is not a date, an id that is not a number).
         */
        MALFORMED,
        /** Neither {@code data.lead.email} nor {@code data.reply.from_email_address} is a usable email. */
        INVALID_EMAIL,
        /** {@code event.instance_url} + {@code event.workspace_id} match no configured workspace. */
        UNKNOWN_WORKSPACE,
        /** Supabase refused the row itself (a constraint or type error); the reason carries its error. */
        ROW_REJECTED
    }

    static WebhookOutcome rejected(RejectCause cause, String reason, String eventType, String workspaceName,
                                   Long replyId) {
        return new WebhookOutcome(Status.REJECTED, cause, reason, eventType, workspaceName, replyId);
    }
}
