package io.github.bisonbackfill.core;

import io.github.bisonbackfill.core.internal.Check;
import io.github.bisonbackfill.supabase.Filter;
import io.github.bisonbackfill.supabase.Resolution;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.UpsertOptions;

import java.util.List;

/**
 * The {@link LeadSink} of a Supabase table with the {@code client_leads} schema
 * ({@link ClientLeadsSchema#sql(String)}), over a {@link SupabaseWriter}: upserts with
 * {@code on_conflict=lead_email,workspace_name} and {@link Resolution#MERGE_DUPLICATES} (the schema's
 * trigger is the guard), rows PostgREST refuses reported with its error ({@link WriteReject}), counts
 * exact ({@code Prefer: count=exact}). Thread-safe; it does not own the writer (close it yourself).
 *
 * <pre>{@code
 * LeadSink sink = SupabaseLeadSink.of(writer, "client_leads");
 * BackfillOrchestrator.builder().instance(bison).sink(sink).build();   // same as .writer(writer)
 * }</pre>
 */
public final class SupabaseLeadSink implements LeadSink {
    private final SupabaseWriter writer;
    private final String table;

    private SupabaseLeadSink(SupabaseWriter writer, String table) {
        this.writer = Check.notNull("writer", writer);
        this.table = Check.notBlank("table", table);
    }

    /**
     * @param writer the writer (not closed by the sink)
     * @param table  the table, created by {@link ClientLeadsSchema#sql(String)}
     * @return the sink
     * @throws IllegalArgumentException if {@code table} is blank
     */
    public static SupabaseLeadSink of(SupabaseWriter writer, String table) {
        return new SupabaseLeadSink(writer, table);
    }

    /**
     * A sink into {@link ClientLeadsSchema#TABLE}.
     *
     * @param writer the writer (not closed by the sink)
     * @return the sink
     */
    public static SupabaseLeadSink of(SupabaseWriter writer) {
        return of(writer, ClientLeadsSchema.TABLE);
    }

    /** @return the table written and counted */
    public String table() {
        return table;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@link SupabaseWriter#upsert} call: batched, retried, a refused row isolated and reported;
     * a call whose every row is refused alike (naming no row's data) throws. See its exceptions.
     */
    @Override
    public WriteStats upsert(List<ClientLeadRow> rows, BatchListener progress) {
        Check.notNull("progress", progress);
        UpsertOptions options = UpsertOptions.builder()
                .onConflict(ClientLeadsSchema.CONFLICT_COLUMNS.toArray(String[]::new))
                .resolution(Resolution.MERGE_DUPLICATES)
                .listener(p -> progress.batchWritten(p.batchRows(), p.acknowledged()))
                .build();
        return WriteStats.from(writer.upsert(table, rows, options));
    }

    @Override
    public long count(String workspaceName) {
        return writer.count(table, Filter.eq("workspace_name", workspaceName));
    }

    @Override
    public long count(String workspaceName, BillingWindow window) {
        return writer.count(table, Filter.eq("workspace_name", workspaceName),
                Filter.gte("date_received", window.start()), Filter.lt("date_received", window.end()));
    }

    @Override
    public String toString() {
        return "SupabaseLeadSink[table=" + table + "]";
    }
}
