package io.github.bisonbackfill.core;

import java.time.Instant;
import java.util.Objects;

/**
 * Events a backfill run emits to its {@link ProgressListener}. Each carries the instant it
 * happened ({@link #at()}, from the run's clock). No event carries a credential.
 */
public sealed interface ProgressEvent {
    /** When it happened. */
    Instant at();

    /**
     * A run began.
     *
     * @param runId   the run id
     * @param clients clients planned
     * @param dryRun  whether nothing will be written
     * @param resumed whether it resumes an earlier run (completed clients are skipped)
     * @param at      when
     */
    record RunStarted(String runId, int clients, boolean dryRun, boolean resumed, Instant at) implements ProgressEvent {
        public RunStarted {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A client began.
     *
     * @param client the client
     * @param index  its 1-based position in the plan
     * @param of     clients planned
     * @param at     when
     */
    record ClientStarted(ClientKey client, int index, int of, Instant at) implements ProgressEvent {
        public ClientStarted {
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A page of replies was read and accepted.
     *
     * @param client          the client
     * @param page            the page number (1-based)
     * @param lastPage        {@code meta.last_page} as last seen
     * @param interestedSoFar interested replies accepted so far for this client
     * @param at              when
     */
    record PageRead(ClientKey client, int page, int lastPage, int interestedSoFar, Instant at) implements ProgressEvent {
        public PageRead {
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A batch of rows was acknowledged by Supabase.
     *
     * @param client      the client
     * @param batch       the batch number (1-based)
     * @param rows        rows in this batch
     * @param rowsSoFar   rows acknowledged so far for this client
     * @param rowsTotal   rows to write for this client
     * @param at          when
     */
    record BatchWritten(ClientKey client, int batch, int rows, long rowsSoFar, int rowsTotal, Instant at)
            implements ProgressEvent {
        public BatchWritten {
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * Something a person should know that does not stop the client (scan drift, a recovered
     * context violation, reconciliation mismatch, ...).
     *
     * @param client  the client
     * @param message the warning (never contains credentials)
     * @param at      when
     */
    record ClientWarning(ClientKey client, String message, Instant at) implements ProgressEvent {
        public ClientWarning {
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * A client ended (any outcome, including skipped).
     *
     * @param report its report
     * @param index  its 1-based position in the plan
     * @param of     clients planned
     * @param at     when
     */
    record ClientFinished(ClientReport report, int index, int of, Instant at) implements ProgressEvent {
        public ClientFinished {
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(at, "at");
        }
    }

    /**
     * The run ended.
     *
     * @param report the run's report
     * @param at     when
     */
    record RunFinished(BackfillReport report, Instant at) implements ProgressEvent {
        public RunFinished {
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(at, "at");
        }
    }
}
