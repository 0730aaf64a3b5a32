package io.github.bisonbackfill.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.bisonbackfill.core.internal.Json;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The result of a backfill run: one {@link ClientReport} per planned client, in plan order.
 * Serialises to JSON ({@link #toJson()}, {@link #fromJson(String)}) with ISO-8601 instants and
 * durations; contains no credentials.
 *
 * @param runId      the run id (also the checkpoint run id)
 * @param startedAt  when the run started
 * @param finishedAt when it finished
 * @param dryRun     whether nothing was written
 * @param clients    per client, in plan order
 */
public record BackfillReport(String runId, Instant startedAt, Instant finishedAt, boolean dryRun,
                             List<ClientReport> clients) {
    /** @throws NullPointerException if an argument is {@code null} */
    public BackfillReport {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        clients = List.copyOf(clients);
    }

    /** Wall time of the run. */
    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /**
     * @param outcome an outcome
     * @return how many clients ended with it
     */
    public int count(ClientOutcome outcome) {
        int n = 0;
        for (ClientReport c : clients) {
            if (c.outcome() == outcome) {
                n++;
            }
        }
        return n;
    }

    /** Whether no client failed or was left unrun. */
    public boolean succeeded() {
        return count(ClientOutcome.FAILED) == 0 && count(ClientOutcome.NOT_RUN) == 0;
    }

    /** Rows acknowledged by Supabase over all clients. */
    public long totalRowsWritten() {
        long n = 0;
        for (ClientReport c : clients) {
            n += c.rowsWritten();
        }
        return n;
    }

    /**
     * @return this report as indented JSON
     * @throws BackfillException if serialisation fails (a bug)
     */
    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new BackfillException("cannot serialise the report of run " + runId + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * @param json a report written by {@link #toJson()}
     * @return the report
     * @throws BackfillException if {@code json} is not a report
     */
    public static BackfillReport fromJson(String json) {
        try {
            return Json.MAPPER.readValue(json, BackfillReport.class);
        } catch (JsonProcessingException e) {
            throw new BackfillException("not a backfill report: " + e.getOriginalMessage(), e);
        }
    }
}
