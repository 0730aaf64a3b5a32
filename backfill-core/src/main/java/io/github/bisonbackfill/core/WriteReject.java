package io.github.bisonbackfill.core;

import io.github.bisonbackfill.supabase.PostgrestError;
import io.github.bisonbackfill.supabase.RejectedRow;
import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * A row Supabase refused, as a report shows it: which lead, and PostgREST's error.
 *
 * @param leadEmail    the row's {@code lead_email}, or {@code null}
 * @param bisonReplyId the row's {@code bison_reply_id}, or {@code null}
 * @param error        what PostgREST answered
 */
public record WriteReject(@Nullable String leadEmail, @Nullable Long bisonReplyId, PostgrestError error) {
    /** @throws NullPointerException if {@code error} is {@code null} */
    public WriteReject {
        Objects.requireNonNull(error, "error");
    }

    /**
     * @param r a rejected row from the writer
     * @return its report form
     */
    public static WriteReject from(RejectedRow r) {
        Object email = r.row() == null ? null : r.row().get("lead_email");
        Object id = r.row() == null ? null : r.row().get("bison_reply_id");
        Long replyId = id instanceof Number n ? Long.valueOf(n.longValue()) : null;
        if (replyId == null && id != null) {
            try {
                replyId = Long.valueOf(id.toString());
            } catch (NumberFormatException e) {
                replyId = null;
            }
        }
        return new WriteReject(email == null ? null : email.toString(), replyId, r.error());
    }
}
