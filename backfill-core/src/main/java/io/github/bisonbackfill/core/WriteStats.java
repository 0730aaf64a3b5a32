package io.github.bisonbackfill.core;

import io.github.bisonbackfill.supabase.UpsertResult;

import java.util.ArrayList;
import java.util.List;

/**
 * The Supabase side of a client report.
 *
 * @param rowsSubmitted     rows given to the writer
 * @param rowsWritten       rows Supabase acknowledged (inserted or updated)
 * @param batches           acknowledged requests
 * @param retries           retried attempts
 * @param duplicatesDropped rows dropped by the writer as duplicates of the conflict key (0 after
 *                          {@link LeadDedup}; anything else is a bug worth seeing)
 * @param rejects           rows Supabase refused, with its error
 */
public record WriteStats(int rowsSubmitted, long rowsWritten, int batches, int retries, int duplicatesDropped,
                         List<WriteReject> rejects) {
    public WriteStats {
        rejects = rejects == null ? List.of() : List.copyOf(rejects);
    }

    /**
     * @param r an upsert result
     * @return its statistics
     */
    public static WriteStats from(UpsertResult r) {
        List<WriteReject> rejects = new ArrayList<>(r.rejected().size());
        r.rejected().forEach(x -> rejects.add(WriteReject.from(x)));
        return new WriteStats(r.rowsSubmitted(), r.rowsAcknowledged(), r.batches(), r.retries(),
                r.duplicatesDropped(), rejects);
    }

    /**
     * The statistics of two writes taken together (a client written in chunks): counts added,
     * rejects concatenated in order. {@link #complete()} holds for the sum when it holds for both.
     *
     * @param later the later write's statistics
     * @return the combined statistics
     */
    public WriteStats plus(WriteStats later) {
        List<WriteReject> both = new ArrayList<>(rejects.size() + later.rejects.size());
        both.addAll(rejects);
        both.addAll(later.rejects);
        return new WriteStats(Math.addExact(rowsSubmitted, later.rowsSubmitted), rowsWritten + later.rowsWritten,
                batches + later.batches, retries + later.retries, duplicatesDropped + later.duplicatesDropped, both);
    }

    /** Whether every row not dropped as a duplicate was acknowledged or explicitly rejected. */
    public boolean complete() {
        return rowsWritten + rejects.size() == (long) rowsSubmitted - duplicatesDropped;
    }
}
