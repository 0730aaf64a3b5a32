package io.github.bisonbackfill.supabase;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of one upsert (or insert) call: what the server acknowledged and every row it did not
 * write.
 *
 * <p><b>Acknowledgement.</b> PostgREST runs each request in one transaction and answers 2xx only
 * after it committed, with {@code Content-Range: *}{@code /N} ({@code count=exact}). A row is
 * <em>acknowledged</em> when the request that carried it was answered 2xx with that header: it is now
 * stored (inserted, updated, or deliberately left as it was). {@code N} itself counts only rows the
 * statement inserted or updated; it is summed into {@link #rowsAffected()}. With
 * {@link Resolution#MERGE_DUPLICATES} and no trigger that skips rows, {@code rowsAffected ==
 * rowsAcknowledged}; with {@link Resolution#IGNORE_DUPLICATES} {@code rowsAffected} is the number of
 * rows that were new.
 *
 * @param rowsSubmitted     rows passed by the caller
 * @param rowsAcknowledged  rows in requests the server committed (see above)
 * @param batches           requests that were acknowledged (after splitting, if any)
 * @param retries           retried attempts over the whole call
 * @param duplicatesDropped rows dropped because another row of the call had the same conflict key
 * @param rejected          rows not written, each with the reason
 * @param rowsAffected      sum of the {@code Content-Range} counts: rows inserted or updated
 */
public record UpsertResult(int rowsSubmitted, long rowsAcknowledged, int batches, int retries,
                           int duplicatesDropped, List<RejectedRow> rejected, long rowsAffected) {
    public UpsertResult {
        rejected = List.copyOf(rejected);
    }

    /**
     * A result whose {@code rowsAffected} equals {@code rowsAcknowledged} (every acknowledged row was
     * inserted or updated), for fakes and tests of callers.
     */
    public UpsertResult(int rowsSubmitted, long rowsAcknowledged, int batches, int retries,
                        int duplicatesDropped, List<RejectedRow> rejected) {
        this(rowsSubmitted, rowsAcknowledged, batches, retries, duplicatesDropped, rejected, rowsAcknowledged);
    }

    /**
     * Whether every row that was not dropped as a duplicate was acknowledged or explicitly rejected:
     * {@code rowsAcknowledged + rejected().size() == rowsSubmitted - duplicatesDropped}. The writer
     * throws rather than return an incomplete result, so this is {@code true} for every result it
     * returns; it is the invariant to check when results are combined or persisted.
     */
    public boolean complete() {
        return rowsAcknowledged + rejected.size() == (long) rowsSubmitted - duplicatesDropped;
    }

    /**
     * The result of two calls taken together (e.g. a large set written in chunks): counts added,
     * rejects concatenated in order. {@link #complete()} holds for the sum when it holds for both.
     *
     * @param other the later call's result
     * @return the combined result
     */
    public UpsertResult plus(UpsertResult other) {
        List<RejectedRow> both = new ArrayList<>(rejected.size() + other.rejected.size());
        both.addAll(rejected);
        both.addAll(other.rejected);
        return new UpsertResult(Math.addExact(rowsSubmitted, other.rowsSubmitted), rowsAcknowledged + other.rowsAcknowledged,
                batches + other.batches, retries + other.retries, duplicatesDropped + other.duplicatesDropped, both,
                rowsAffected + other.rowsAffected);
    }
}
