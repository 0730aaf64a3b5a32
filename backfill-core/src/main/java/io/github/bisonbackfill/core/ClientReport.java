package io.github.bisonbackfill.core;

import java.time.Duration;
import java.util.Objects;

/**
 * What happened to one client in a run. Sections of steps that did not run are {@code null}
 * (e.g. {@code write} for a dry run, everything but {@code client} and {@code outcome} for
 * {@link ClientOutcome#SKIPPED_ALREADY_DONE}).
 *
 * @param client         the client
 * @param workspaceName  the workspace name Email Bison confirmed, or {@code null} if never read
 * @param outcome        how it ended
 * @param scan           the Email Bison scan, or {@code null}
 * @param dedup          the dedup step, or {@code null}
 * @param write          the Supabase write, or {@code null}
 * @param reconciliation Email Bison vs Supabase after the write, or {@code null}
 * @param billing        counts in the run's billing window, or {@code null}
 * @param duration       wall time spent on this client
 * @param error          the error for {@link ClientOutcome#FAILED}, else {@code null}
 */
public record ClientReport(ClientKey client, String workspaceName, ClientOutcome outcome, ScanStats scan,
                           DedupStats dedup, WriteStats write, Reconciliation reconciliation,
                           BillingCounts billing, Duration duration, ErrorInfo error) {
    /**
     * @throws NullPointerException     if {@code client}, {@code outcome} or {@code duration} is {@code null}
     * @throws IllegalArgumentException if {@code outcome} is FAILED without an error
     */
    public ClientReport {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(duration, "duration");
        if (outcome == ClientOutcome.FAILED && error == null) {
            throw new IllegalArgumentException("a FAILED client report needs an error (" + client + ")");
        }
    }

    /** Rows acknowledged by Supabase, 0 when nothing was written. */
    public long rowsWritten() {
        return write == null ? 0 : write.rowsWritten();
    }

    /** Replies rejected by the dedup plus rows rejected by Supabase. */
    public int rejectedTotal() {
        return (dedup == null ? 0 : dedup.rejected()) + (write == null ? 0 : write.rejects().size());
    }
}
