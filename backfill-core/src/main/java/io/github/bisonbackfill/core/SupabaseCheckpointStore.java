package io.github.bisonbackfill.core;

import io.github.bisonbackfill.supabase.Filter;
import io.github.bisonbackfill.supabase.SupabaseException;
import io.github.bisonbackfill.supabase.SupabaseNotFoundException;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.UpsertOptions;
import io.github.bisonbackfill.supabase.UpsertResult;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link CheckpointStore} in the Supabase project itself: the table
 * {@code <leads table>_checkpoints} ({@code client_leads_checkpoints}), created by the shipped schema
 * script ({@link ClientLeadsSchema#sql(String)}, step 8) and written through the
 * {@link SupabaseWriter}. Nothing is kept on the local disk, so {@code --resume} and
 * {@code --since-last} work on runners that start empty every time (a Kubernetes CronJob, a GitHub
 * Actions job).
 *
 * <p>One row per client (key: instance, workspace id, client name) and one run entry (instance
 * {@code ''}, workspace 0, client name {@code ''}) holding the current run id. Every
 * {@link #put} is one idempotent upsert of one row, durable when it returns; reads go to the table
 * every time, so several processes see each other's records (they must not run the same clients at
 * once: use the CLI's session lock or the scheduler's concurrency policy).
 *
 * <pre>{@code
 * CheckpointStore store = SupabaseCheckpointStore.open(writer, "client_leads");
 * }</pre>
 *
 * <p>Thread-safe (the writer is). Failures are {@link CheckpointException}s naming the table and the
 * fix; a missing table says to run the schema script.
 */
public final class SupabaseCheckpointStore implements CheckpointStore {
    /** The suffix of the checkpoint table's name after the leads table's: {@value}. */
    public static final String TABLE_SUFFIX = "_checkpoints";

    private static final String COLUMNS = "seq,instance,workspace_id,client_name,run_id,status,rows_written,"
            + "high_water_reply_id,updated_at";
    private static final String RUN_INSTANCE = "";
    private static final long RUN_WORKSPACE = 0;
    private static final String RUN_CLIENT = "";
    private static final UpsertOptions UPSERT = UpsertOptions.builder()
            .onConflict("instance", "workspace_id", "client_name").build();

    private final SupabaseWriter writer;
    private final String table;

    private SupabaseCheckpointStore(SupabaseWriter writer, String table) {
        this.writer = writer;
        this.table = table;
    }

    /**
     * Opens the store of a leads table and checks that its checkpoint table is reachable.
     *
     * @param writer     the writer (not closed by the store)
     * @param leadsTable the leads table, e.g. {@value ClientLeadsSchema#TABLE}; the store uses
     *                   {@link #tableFor(String) leadsTable + "_checkpoints"}
     * @return the store
     * @throws CheckpointException when the table is missing (run the schema script) or unreadable
     */
    public static SupabaseCheckpointStore open(SupabaseWriter writer, String leadsTable) {
        SupabaseCheckpointStore store = new SupabaseCheckpointStore(Objects.requireNonNull(writer, "writer"),
                tableFor(Objects.requireNonNull(leadsTable, "leadsTable")));
        store.currentRunId();
        return store;
    }

    /**
     * @param leadsTable the leads table
     * @return the name of its checkpoint table, e.g. {@code client_leads_checkpoints}
     */
    public static String tableFor(String leadsTable) {
        return leadsTable + TABLE_SUFFIX;
    }

    /** @return the checkpoint table this store reads and writes */
    public String table() {
        return table;
    }

    @Override
    public Optional<String> currentRunId() {
        for (Map<String, @Nullable Object> row : read(Filter.eq("workspace_id", RUN_WORKSPACE))) {
            if (isRunEntry(row)) {
                return Optional.ofNullable((String) row.get("run_id"));
            }
        }
        return Optional.empty();
    }

    @Override
    public void beginRun(String runId) {
        Objects.requireNonNull(runId, "runId");
        Map<String, @Nullable Object> row = new LinkedHashMap<>();
        row.put("instance", RUN_INSTANCE);
        row.put("workspace_id", RUN_WORKSPACE);
        row.put("client_name", RUN_CLIENT);
        row.put("run_id", runId);
        row.put("updated_at", Instant.now().toString());
        write(row);
    }

    @Override
    public Optional<ClientCheckpoint> get(ClientKey client) {
        Objects.requireNonNull(client, "client");
        for (Map<String, @Nullable Object> row : read(Filter.eq("instance", client.instance()),
                Filter.eq("workspace_id", client.workspaceId()), Filter.eq("client_name", client.clientName()))) {
            if (!isRunEntry(row)) {
                return Optional.of(checkpoint(row));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<ClientCheckpoint> all() {
        List<ClientCheckpoint> out = new ArrayList<>();
        for (Map<String, @Nullable Object> row : read()) {  // ordered by seq: first recorded first
            if (!isRunEntry(row)) {
                out.add(checkpoint(row));
            }
        }
        return out;
    }

    @Override
    public void put(ClientCheckpoint c) {
        Objects.requireNonNull(c, "checkpoint");
        Map<String, @Nullable Object> row = new LinkedHashMap<>();
        row.put("instance", c.client().instance());
        row.put("workspace_id", c.client().workspaceId());
        row.put("client_name", c.client().clientName());
        row.put("run_id", c.runId());
        row.put("status", c.status().name());
        row.put("rows_written", c.rowsWritten());
        row.put("high_water_reply_id", c.highWaterReplyId());
        row.put("updated_at", c.updatedAt().toString());
        write(row);
    }

    private static boolean isRunEntry(Map<String, @Nullable Object> row) {
        return RUN_INSTANCE.equals(row.get("instance")) && RUN_CLIENT.equals(row.get("client_name"))
                && row.get("workspace_id") instanceof Number n && n.longValue() == RUN_WORKSPACE;
    }

    private ClientCheckpoint checkpoint(Map<String, @Nullable Object> row) {
        try {
            Object hw = row.get("high_water_reply_id");
            return new ClientCheckpoint(
                    new ClientKey((String) row.get("instance"), ((Number) row.get("workspace_id")).longValue(),
                            (String) row.get("client_name")),
                    (String) row.get("run_id"), CheckpointStatus.valueOf((String) row.get("status")),
                    ((Number) row.get("rows_written")).longValue(), updatedAt((String) row.get("updated_at")),
                    hw == null ? null : ((Number) hw).longValue());
        } catch (RuntimeException e) {
            throw new CheckpointException("checkpoint table " + table + " holds a row this library cannot read ("
                    + e + "): instance=" + row.get("instance") + ", workspace_id=" + row.get("workspace_id")
                    + "; delete that row to start the client fresh", e);
        }
    }

    /** PostgREST writes timestamptz with an offset ({@code 2026-11-30T16:00:00.123+00:00}). */
    private static Instant updatedAt(String timestamptz) {
        return java.time.OffsetDateTime.parse(timestamptz).toInstant();
    }

    private List<Map<String, @Nullable Object>> read(Filter... filters) {
        try {
            return writer.select(table, COLUMNS, filters);
        } catch (SupabaseNotFoundException e) {
            throw missing(e);
        } catch (SupabaseException e) {
            throw new CheckpointException("cannot read checkpoint table " + table + ": " + e.getMessage(), e);
        }
    }

    private void write(Map<String, @Nullable Object> row) {
        UpsertResult r;
        try {
            r = writer.upsert(table, List.of(row), UPSERT);
        } catch (SupabaseNotFoundException e) {
            throw missing(e);
        } catch (SupabaseException e) {
            throw new CheckpointException("cannot write checkpoint table " + table + ": " + e.getMessage(), e);
        }
        if (!r.rejected().isEmpty()) {
            throw new CheckpointException("checkpoint table " + table + " refused a row: "
                    + r.rejected().get(0).error().message() + "; re-run the schema script (ClientLeadsSchema.sql)", null);
        }
    }

    private CheckpointException missing(SupabaseException e) {
        return new CheckpointException("checkpoint table " + table + " does not exist (or PostgREST does not see it yet):"
                + " run the schema script once (ClientLeadsSchema.sql(table), the CLI's `schema` command), which creates"
                + " it next to the leads table", e);
    }

    @Override
    public String toString() {
        return "SupabaseCheckpointStore[" + table + " at " + writer.restUrl() + "]";
    }
}
