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

    /** Whether every row not dropped as a duplicate was acknowledged or explicitly rejected. */
    public boolean complete() {
        return rowsWritten + rejects.size() == (long) rowsSubmitted - duplicatesDropped;
    }
}
