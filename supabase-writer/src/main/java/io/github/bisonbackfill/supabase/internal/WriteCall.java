package io.github.bisonbackfill.supabase.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bisonbackfill.supabase.BatchListener;
import io.github.bisonbackfill.supabase.BatchProgress;
import io.github.bisonbackfill.supabase.PostgrestError;
import io.github.bisonbackfill.supabase.RejectedRow;
import io.github.bisonbackfill.supabase.Resolution;
import io.github.bisonbackfill.supabase.SupabaseException;
import io.github.bisonbackfill.supabase.SupabaseIoException;
import io.github.bisonbackfill.supabase.UpsertResult;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One upsert or insert call: sends the prepared batches (several at a time), splits a batch that is
 * too large or too slow, bisects a batch with a bad row until the row is isolated, and tallies the
 * outcome so that every row ends acknowledged or rejected.
 */
public final class WriteCall {
    private static final Logger log = LoggerFactory.getLogger(WriteCall.class);

    private final RestClient rest;
    private final ObjectMapper mapper;
    private final String table;
    private final List<String> onConflict; // empty for a plain insert
    private final @Nullable Resolution resolution;
    private final BatchListener listener;
    private final String action;
    private final AtomicReference<@Nullable RuntimeException> failure = new AtomicReference<>();

    private long acknowledged;
    private long affected;
    private int batches;
    private int retries;
    private long rowsDone;
    private long rowsTotal;
    private final List<RejectedRow> rejected = new ArrayList<>();
    private final List<PostgrestError> serverRejected = new ArrayList<>();

    /**
     * @param rest       the transport
     * @param mapper     JSON mapper (error bodies)
     * @param table      the table
     * @param onConflict conflict columns; empty for a plain insert
     * @param resolution resolution for an upsert, {@code null} for an insert
     * @param listener   per-batch listener
     */
    public WriteCall(RestClient rest, ObjectMapper mapper, String table, List<String> onConflict,
                     @Nullable Resolution resolution, BatchListener listener) {
        this.rest = rest;
        this.mapper = mapper;
        this.table = table;
        this.onConflict = onConflict;
        this.resolution = resolution;
        this.listener = listener;
        this.action = (onConflict.isEmpty() ? "insert into " : "upsert into ") + table;
    }

    /**
     * Writes the prepared rows.
     *
     * @param prepared  batches and local outcomes
     * @param submitted rows the caller passed
     * @param pool      worker threads; {@code null} to write on the calling thread
     * @return the result; every row acknowledged or rejected
     * @throws SupabaseException when a request fails in a way no row-level report can express
     */
    public UpsertResult run(RowPreparer.Prepared prepared, int submitted, @Nullable ExecutorService pool) {
        rejected.addAll(prepared.rejected());
        rowsTotal = prepared.rowCount();
        List<Future<?>> futures = new ArrayList<>();
        for (RowPreparer.Batch batch : prepared.batches()) {
            Runnable task = () -> writeTopLevel(batch);
            if (pool == null) {
                task.run();
                if (failure.get() != null) {
                    break;
                }
            } else {
                futures.add(pool.submit(task));
            }
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                futures.forEach(x -> x.cancel(true));
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, new SupabaseIoException(action + " was interrupted", e));
            } catch (ExecutionException | CancellationException e) {
                if (e.getCause() instanceof Error error) {
                    // An Error (e.g. thrown by a listener) is not a write failure: it propagates as it
                    // would have without the pool.
                    futures.forEach(x -> x.cancel(true));
                    throw error;
                }
                failure.compareAndSet(null, e.getCause() instanceof RuntimeException r ? r
                        : new SupabaseException(action + " failed: " + e.getCause(), e.getCause()));
            }
        }
        RuntimeException failed = failure.get();
        if (failed != null) {
            throw failed;
        }
        synchronized (this) {
            if (acknowledged == 0 && Errors.sameFaultOfTheCall(serverRejected)) {
                // Not one row was accepted and every row failed alike, naming no row's data: the call
                // is at fault (a configuration), so it fails instead of reporting every row rejected.
                throw Errors.toException(action, table, target(), serverRejected.get(0), 1,
                        "Every row of the call was refused with this same error, which names no row's data:"
                                + " a fault of the configuration or the table, not of the rows");
            }
            return new UpsertResult(submitted, acknowledged, batches, retries, prepared.duplicatesDropped(),
                    rejected, affected);
        }
    }

    private void writeTopLevel(RowPreparer.Batch batch) {
        if (failure.get() != null) {
            return; // the call already failed: do not start more batches
        }
        long start = System.nanoTime();
        Tally tally = new Tally();
        try {
            write(batch, tally);
            synchronized (this) {
                acknowledged += tally.acknowledged;
                affected += tally.affected;
                batches += tally.requests;
                retries += tally.retries;
                rejected.addAll(tally.rejected);
                tally.rejected.forEach(r -> serverRejected.add(r.error()));
                rowsDone += batch.rows().size();
                listener.onBatch(new BatchProgress(table, batch.rows().size(), tally.acknowledged,
                        tally.rejected.size(), tally.retries, rowsDone, rowsTotal, Duration.ofNanos(System.nanoTime() - start)));
            }
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Per-batch counters; one thread at a time. */
    private static final class Tally {
        long acknowledged;
        long affected;
        int requests;
        int retries;
        final List<RejectedRow> rejected = new ArrayList<>();
    }

    private void write(RowPreparer.Batch batch, Tally tally) {
        if (failure.get() != null) {
            throw new CancellationException(action + ": stopped because another batch failed");
        }
        List<EncodedRow> rows = batch.rows();
        RestClient.RetryMode mode = onConflict.isEmpty() ? RestClient.RetryMode.UNPROCESSED_ONLY
                : rows.size() > 1 ? RestClient.RetryMode.IDEMPOTENT_SPLITTABLE : RestClient.RetryMode.IDEMPOTENT;
        RestClient.Outcome outcome = rest.send(request(batch), mode, action, () -> tally.retries++);
        RestResponse response = outcome.response();
        if (response.successful()) {
            long affected = ContentRange.total(response.header("Content-Range"));
            if (affected < 0) {
                // PostgREST answers count=exact with Content-Range */N; without it this is not PostgREST's
                // commit (a proxy page, a wrong URL), so the batch is not counted as acknowledged.
                throw new SupabaseIoException(action + ": HTTP " + response.status() + " without a Content-Range count from "
                        + target() + "; the answer is not PostgREST's (a proxy or a wrong URL?), so " + rows.size()
                        + " rows of this batch may not be stored", null);
            }
            tally.requests++;
            tally.acknowledged += rows.size();
            tally.affected += affected;
            return;
        }
        PostgrestError error = Errors.parse(mapper, response);
        int status = response.status();
        boolean ambiguousForInsert = onConflict.isEmpty() && status == 504; // the insert may have been committed
        if (Errors.sizeRelated(error) && !ambiguousForInsert && rows.size() > 1) {
            log.debug("{}: {} for {} rows, splitting the batch", action, Errors.describe(error), rows.size());
            split(batch, tally);
            return;
        }
        if (status == 413 && rows.size() == 1) {
            reject(tally, rows.get(0), error);
            return;
        }
        if (Errors.rowLevel(error)) {
            if (rows.size() == 1) {
                reject(tally, rows.get(0), error);
            } else {
                log.debug("{}: {} in a batch of {} rows, bisecting to isolate the row", action, Errors.describe(error), rows.size());
                split(batch, tally);
            }
            return;
        }
        String advice = ambiguousForInsert
                ? "The server may have written this batch: an insert is not re-sent blindly; check with count() before re-sending"
                : null;
        throw Errors.toException(action, table, target(), error, outcome.attempts(), advice);
    }

    private void split(RowPreparer.Batch batch, Tally tally) {
        List<EncodedRow> rows = batch.rows();
        int half = rows.size() / 2;
        write(batch.withRows(rows.subList(0, half)), tally);
        write(batch.withRows(rows.subList(half, rows.size())), tally);
    }

    private void reject(Tally tally, EncodedRow row, PostgrestError error) {
        log.debug("{}: row rejected: {}", action, Errors.describe(error));
        tally.rejected.add(new RejectedRow(row.row(), error));
    }

    private String target() {
        return rest.baseUrl() + (rest.schema() == null ? "" : " (schema " + rest.schema() + ")");
    }

    private RestClient.Request request(RowPreparer.Batch batch) {
        StringJoiner columns = new StringJoiner(",");
        batch.columns().forEach(c -> columns.add(QueryEncoding.encode(c)));
        StringBuilder path = new StringBuilder("/").append(QueryEncoding.encode(table))
                .append("?columns=").append(columns);
        String prefer = "return=minimal,count=exact";
        if (!onConflict.isEmpty()) {
            StringJoiner conflict = new StringJoiner(",");
            onConflict.forEach(c -> conflict.add(QueryEncoding.encode(c)));
            path.append("&on_conflict=").append(conflict);
            prefer = (resolution == Resolution.IGNORE_DUPLICATES ? "resolution=ignore-duplicates,"
                    : "resolution=merge-duplicates,") + prefer;
        }
        return new RestClient.Request("POST", path.toString(), Map.of("Prefer", prefer), body(batch.rows()));
    }

    private static byte[] body(List<EncodedRow> rows) {
        int size = 2 + rows.size();
        for (EncodedRow r : rows) {
            size += r.json().length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write('[');
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(rows.get(i).json());
        }
        out.write(']');
        return out.toByteArray();
    }
}
