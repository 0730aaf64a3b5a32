package io.github.bisonbackfill.core;

import java.util.List;

/**
 * Where {@link BackfillOrchestrator} puts the rows of {@code client_leads} and counts them back: the
 * orchestrator's only dependency on the destination. {@link SupabaseLeadSink} is the implementation
 * for Supabase (PostgREST); {@link BackfillOrchestrator.Builder#writer} wraps a
 * {@link io.github.bisonbackfill.supabase.SupabaseWriter} in one.
 *
 * <p><b>Contract of {@link #upsert}.</b>
 * <ul>
 *   <li><b>Idempotent</b> on the key {@code (lead_email, workspace_name)}
 *       ({@link ClientLeadsSchema#CONFLICT_COLUMNS}): a row whose key is stored updates that row, else
 *       it is inserted; writing the same rows again changes nothing. The orchestrator relies on it to
 *       re-run a failed, crashed or resumed client, and to write a client in several calls (chunks;
 *       the rows of one client never share a key, so chunks never overlap).</li>
 *   <li><b>Only the row's columns</b> are written: a column the row does not carry (a downstream
 *       {@code pipeline_stage}, {@code notes}) keeps its stored value.</li>
 *   <li><b>The guard</b>: an older reply ({@code bison_reply_id}) never replaces a newer stored one,
 *       and a row equal to the stored one leaves it untouched; such a row still counts as
 *       acknowledged. The shipped schema's trigger does this ({@link ClientLeadsSchema#sql()}).</li>
 *   <li><b>Every row is accounted for</b>: each row given is acknowledged (stored once the call
 *       returns), dropped as a duplicate of another row of the same call, or <b>refused</b>: listed in
 *       {@link WriteStats#rejects()} with the destination's reason, while the others are still
 *       written ({@link WriteStats#complete()} holds for what is returned). A refused row is a
 *       verdict on that row's data (a constraint, a trigger); the orchestrator reports it and the
 *       client ends {@link ClientOutcome#COMPLETED_WITH_REJECTS}. When every row of a client is
 *       refused, the orchestrator fails the client instead (a fault of the table, not of the rows).</li>
 *   <li><b>Failures of the call</b> (no answer after the sink's own retries, a wrong key, a missing
 *       table, a refusal that names no row) are thrown as a {@link RuntimeException}: the client
 *       fails, with what earlier calls acknowledged reported as written (it stays written).</li>
 * </ul>
 *
 * <p><b>Contract of the counts.</b> Exact counts of stored rows, read from the destination at the
 * time of the call (never an estimate, a cache, or what this sink wrote): they verify a client after
 * its write ({@link ClientReport#reconciliation()}), and make {@link BackfillOrchestrator#reconcile}
 * and {@link BackfillOrchestrator#billing} comparisons with zero tolerance. A count that cannot be
 * obtained is thrown, never guessed.
 *
 * <p>Implementations must be thread-safe: clients are written concurrently.
 */
public interface LeadSink {

    /**
     * Inserts or updates rows on {@code (lead_email, workspace_name)}, as the contract above says.
     *
     * @param rows     the rows, possibly empty; all of one client
     * @param progress told after each part of the call that the destination answered
     * @return what was acknowledged and refused; {@link WriteStats#complete()} holds
     * @throws RuntimeException on a failure of the call (see above); rows of earlier calls stay written
     */
    WriteStats upsert(List<ClientLeadRow> rows, BatchListener progress);

    /**
     * The exact number of rows stored with this {@code workspace_name}.
     *
     * @param workspaceName the client's name (the rows' {@code workspace_name})
     * @return the count
     * @throws RuntimeException when the count cannot be obtained
     */
    long count(String workspaceName);

    /**
     * The exact number of rows stored with this {@code workspace_name} whose {@code date_received} is
     * in the half-open window {@code [window.start(), window.end())}.
     *
     * @param workspaceName the client's name
     * @param window        the window
     * @return the count
     * @throws RuntimeException when the count cannot be obtained
     */
    long count(String workspaceName, BillingWindow window);

    /** Told after each part (batch) of an {@link #upsert} call the destination answered. */
    @FunctionalInterface
    interface BatchListener {
        /**
         * @param batchRows    rows in that batch
         * @param acknowledged of those, rows the destination acknowledged
         */
        void batchWritten(int batchRows, long acknowledged);
    }
}
