package io.github.bisonbackfill.core;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What happened to one client in a run. Sections of steps that did not run are {@code null}
 * (e.g. {@code write} for a dry run, everything but {@code client} and {@code outcome} for
 * {@link ClientOutcome#SKIPPED_ALREADY_DONE}). Make one with the factory of its outcome:
 * {@link #completed}, {@link #dryRun}, {@link #failed}, {@link #skipped}, {@link #notRun}.
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
 * @param attempts       attempts made in this run (1, more when a transient failure was retried)
 * @param failedAttempts the error of every failed attempt, in order (the last one is {@code error}
 *                       when the client failed); empty when the first attempt succeeded
 */
public record ClientReport(ClientKey client, @Nullable String workspaceName, ClientOutcome outcome,
                           @Nullable ScanStats scan, @Nullable DedupStats dedup, @Nullable WriteStats write,
                           @Nullable Reconciliation reconciliation, @Nullable BillingCounts billing,
                           Duration duration, @Nullable ErrorInfo error, int attempts,
                           List<ErrorInfo> failedAttempts) {
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
        failedAttempts = failedAttempts == null ? List.of() : List.copyOf(failedAttempts);
        attempts = Math.max(attempts, 1);
    }

    /**
     * A report of one attempt (its error, if any, is its only failed attempt).
     *
     * @throws NullPointerException     if {@code client}, {@code outcome} or {@code duration} is {@code null}
     * @throws IllegalArgumentException if {@code outcome} is FAILED without an error
     */
    public ClientReport(ClientKey client, @Nullable String workspaceName, ClientOutcome outcome,
                        @Nullable ScanStats scan, @Nullable DedupStats dedup, @Nullable WriteStats write,
                        @Nullable Reconciliation reconciliation, @Nullable BillingCounts billing, Duration duration,
                        @Nullable ErrorInfo error) {
        this(client, workspaceName, outcome, scan, dedup, write, reconciliation, billing, duration, error, 1,
                error == null ? List.of() : List.of(error));
    }

    /**
     * A client that was read, deduplicated and written completely: {@link ClientOutcome#COMPLETED}, or
     * {@link ClientOutcome#COMPLETED_WITH_REJECTS} when the dedup or the sink rejected anything.
     *
     * @param client         the client
     * @param workspaceName  the workspace name Email Bison confirmed
     * @param scan           the scan
     * @param dedup          the dedup step
     * @param write          the write
     * @param reconciliation the count after the write, or {@code null} (a catch-up that stopped early,
     *                       or a count that failed)
     * @param billing        counts in the run's billing window, or {@code null}
     * @param duration       wall time spent on this client
     * @return the report
     */
    public static ClientReport completed(ClientKey client, String workspaceName, ScanStats scan, DedupStats dedup,
                                         WriteStats write, @Nullable Reconciliation reconciliation,
                                         @Nullable BillingCounts billing,
                                         Duration duration) {
        ClientOutcome outcome = dedup.rejected() + write.rejects().size() == 0
                ? ClientOutcome.COMPLETED : ClientOutcome.COMPLETED_WITH_REJECTS;
        return new ClientReport(client, workspaceName, outcome, scan, dedup, write, reconciliation, billing, duration,
                null);
    }

    /**
     * A client of a dry run ({@link ClientOutcome#DRY_RUN}): read and deduplicated, nothing written.
     *
     * @param client        the client
     * @param workspaceName the workspace name Email Bison confirmed
     * @param scan          the scan
     * @param dedup         the dedup step
     * @param billing       counts from the scan in the run's billing window, or {@code null}
     * @param duration      wall time spent on this client
     * @return the report
     */
    public static ClientReport dryRun(ClientKey client, String workspaceName, ScanStats scan, DedupStats dedup,
                                      @Nullable BillingCounts billing, Duration duration) {
        return new ClientReport(client, workspaceName, ClientOutcome.DRY_RUN, scan, dedup, null, null, billing,
                duration, null);
    }

    /**
     * A client that failed ({@link ClientOutcome#FAILED}), with what its steps did before the error.
     *
     * @param client        the client
     * @param workspaceName the workspace name Email Bison confirmed, or {@code null} if never read
     * @param scan          the scan, or {@code null} if it did not finish
     * @param dedup         the dedup step, or {@code null} if it did not run
     * @param write         what the chunks acknowledged before the failure (it stays written), or
     *                      {@code null} if none returned
     * @param duration      wall time spent on this client
     * @param error         why it failed
     * @return the report
     * @throws NullPointerException if {@code error} is {@code null}
     */
    public static ClientReport failed(ClientKey client, @Nullable String workspaceName, @Nullable ScanStats scan,
                                      @Nullable DedupStats dedup, @Nullable WriteStats write, Duration duration,
                                      ErrorInfo error) {
        Objects.requireNonNull(error, "error");
        return new ClientReport(client, workspaceName, ClientOutcome.FAILED, scan, dedup, write, null, null, duration,
                error);
    }

    /**
     * A client of a resumed run that completed earlier in the same run ({@link ClientOutcome#SKIPPED_ALREADY_DONE}).
     *
     * @param client the client
     * @return the report
     */
    public static ClientReport skipped(ClientKey client) {
        return new ClientReport(client, null, ClientOutcome.SKIPPED_ALREADY_DONE, null, null, null, null, null,
                Duration.ZERO, null);
    }

    /**
     * A client the run did not reach before it was interrupted ({@link ClientOutcome#NOT_RUN}).
     *
     * @param client the client
     * @return the report
     */
    public static ClientReport notRun(ClientKey client) {
        return new ClientReport(client, null, ClientOutcome.NOT_RUN, null, null, null, null, null, Duration.ZERO,
                null);
    }

    /**
     * This client's report after one more attempt in the same run: {@code next}'s result, with the
     * attempts and failures of both, and the time spent on both.
     *
     * @param next the report of the later attempt
     * @return the combined report
     */
    public ClientReport followedBy(ClientReport next) {
        List<ErrorInfo> failures = new ArrayList<>(failedAttempts);
        failures.addAll(next.failedAttempts());
        return new ClientReport(client, next.workspaceName() != null ? next.workspaceName() : workspaceName,
                next.outcome(), next.scan(), next.dedup(), next.write(), next.reconciliation(), next.billing(),
                duration.plus(next.duration()), next.error(), attempts + next.attempts(), failures);
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
