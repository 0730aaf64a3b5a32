package io.github.bisonbackfill.core.internal;

import io.github.bisonbackfill.bison.BisonIoException;
import io.github.bisonbackfill.bison.BisonJsonShapeException;
import io.github.bisonbackfill.bison.BisonMalformedResponseException;
import io.github.bisonbackfill.bison.BisonServiceException;
import io.github.bisonbackfill.bison.WorkspaceContextException;
import io.github.bisonbackfill.supabase.SupabaseIoException;
import io.github.bisonbackfill.supabase.SupabaseServiceException;

/**
 * Tells a transient failure of a client's work (worth another attempt later in the same run) from a
 * permanent one (which would fail the same way until someone changes something).
 */
public final class Failures {
    private Failures() {
    }

    /**
     * Whether a later attempt may succeed: no response or a cut one after the retries (I/O, timeouts,
     * unreadable bodies), 429 and 5xx answers that outlasted the retries (but 501 and 505), and a
     * super-admin context that could not be proven in time. Permanent: 401/403 and 404 (a key, a
     * workspace or a table that is wrong or missing), other 4xx, JSON of an unexpected shape, a
     * per-workspace key of another workspace, configuration errors ({@link IllegalArgumentException},
     * {@link IllegalStateException}) and anything unknown.
     *
     * @param failure what a client's attempt ended with
     * @return {@code true} when it is worth attempting again
     */
    public static boolean isTransient(Throwable failure) {
        if (failure instanceof WorkspaceContextException e) {
            return e.retryable();
        }
        if (failure instanceof BisonMalformedResponseException e) {
            return !(e.getCause() instanceof BisonJsonShapeException);
        }
        if (failure instanceof BisonIoException || failure instanceof SupabaseIoException) {
            return true;
        }
        if (failure instanceof BisonServiceException e) {
            return transientStatus(e.status());
        }
        if (failure instanceof SupabaseServiceException e) {
            return transientStatus(e.status());
        }
        return false;
    }

    private static boolean transientStatus(int status) {
        return status == 429 || (status >= 500 && status <= 599 && status != 501 && status != 505);
    }
}
