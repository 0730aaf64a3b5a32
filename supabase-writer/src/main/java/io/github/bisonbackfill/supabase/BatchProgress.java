package io.github.bisonbackfill.supabase;

import java.time.Duration;

/**
 * Progress after one batch of an upsert or insert call finished (including any splits it needed).
 *
 * @param table            the table written
 * @param batchRows        rows in this batch
 * @param acknowledged     rows of this batch the server acknowledged
 * @param rejected         rows of this batch the server rejected
 * @param retries          retried attempts this batch needed
 * @param rowsDone         rows of the call finished so far (acknowledged or rejected), this batch included
 * @param rowsTotal        rows the call sends (after dropping duplicates)
 * @param duration         time this batch took
 */
public record BatchProgress(String table, int batchRows, long acknowledged, int rejected, int retries,
                            long rowsDone, long rowsTotal, Duration duration) {
}
