package io.github.bisonbackfill.supabase;

import java.util.List;

/**
 * The outcome of one upsert call: what the server acknowledged and every row it did not write.
 *
 * @param rowsSubmitted     rows passed by the caller
 * @param rowsAcknowledged  rows the server acknowledged through {@code Content-Range} counts
 * @param batches           requests that were acknowledged
 * @param retries           retried attempts over the whole call
 * @param duplicatesDropped rows dropped because another row of the call had the same conflict key
 * @param rejected          rows not written, each with PostgREST's error
 */
public record UpsertResult(int rowsSubmitted, long rowsAcknowledged, int batches, int retries,
                           int duplicatesDropped, List<RejectedRow> rejected) {
    public UpsertResult {
        rejected = List.copyOf(rejected);
    }

    /** Whether every row that was not dropped as a duplicate was acknowledged or explicitly rejected. */
    public boolean complete() {
        return rowsAcknowledged + rejected.size() == (long) rowsSubmitted - duplicatesDropped;
    }
}
