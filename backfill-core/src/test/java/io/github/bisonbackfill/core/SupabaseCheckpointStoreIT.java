package io.github.bisonbackfill.core;

import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.testing.LocalSupabase;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checkpoint store in the Supabase project, against the real PostgREST (the table from the shipped schema). */
class SupabaseCheckpointStoreIT {
    static final Instant T = Instant.parse("2025-11-02T09:30:00.123456Z");
    static final ClientKey HARBOR = new ClientKey("agency-main", 37, "Harbor Insurance");
    static final ClientKey OBRIEN = new ClientKey("agency-2", 37, "O'Brien & Sons, LLC");
    static final ClientKey CAFE = new ClientKey("agency-main", 12, "Café Ñandú");

    @Test
    void put_thenAnotherStoreOnAnotherRunner_readsTheSameCheckpoints_inFirstRecordOrder() {
        try (LeadsTable t = new LeadsTable()) {
            String table = SupabaseCheckpointStore.tableFor(t.name);
            t.db.reloadSchema(table);
            CheckpointStore store = CheckpointStore.supabase(t.writer, t.name);
            assertThat(store.currentRunId()).isEmpty();
            assertThat(store.all()).isEmpty();
            store.beginRun("run-1");
            ClientCheckpoint a = new ClientCheckpoint(HARBOR, "run-1", CheckpointStatus.COMPLETED, 456, T, 88412L);
            ClientCheckpoint b = new ClientCheckpoint(OBRIEN, "run-1", CheckpointStatus.FAILED, 0, T, null);
            ClientCheckpoint c = new ClientCheckpoint(CAFE, "run-1", CheckpointStatus.IN_PROGRESS, 3, T.plusSeconds(1), 7L);
            store.put(a);
            store.put(b);
            store.put(c);
            // Replacing the first keeps its place.
            ClientCheckpoint a2 = new ClientCheckpoint(HARBOR, "run-1", CheckpointStatus.COMPLETED, 460, T.plusSeconds(5), 88500L);
            store.put(a2);

            try (SupabaseWriter other = t.db.writer().build()) {
                CheckpointStore fresh = SupabaseCheckpointStore.open(other, t.name);
                assertThat(fresh.currentRunId()).hasValue("run-1");
                assertThat(fresh.get(HARBOR)).hasValue(a2);
                assertThat(fresh.get(OBRIEN)).hasValue(b);
                assertThat(fresh.get(new ClientKey("agency-main", 37, "Harbor"))).isEmpty();
                assertThat(fresh.all()).containsExactly(a2, b, c);
                assertThat(fresh.get(HARBOR).orElseThrow().completedIn("run-1")).isTrue();

                fresh.beginRun("run-2");
                assertThat(store.currentRunId()).hasValue("run-2");
                assertThat(store.get(HARBOR).orElseThrow().completedIn("run-2")).isFalse();
                assertThat(store.get(HARBOR).orElseThrow().highWaterReplyId()).isEqualTo(88500L);
            }
            assertThat(t.db.sqlCount(table)).as("3 clients + the run entry").isEqualTo(4);
            t.db.dropTable(table);
        }
    }

    @Test
    void withoutTheTable_failsAtOnce_sayingToRunTheSchemaScript() {
        LocalSupabase db = LocalSupabase.fromEnvironment();
        try (SupabaseWriter writer = db.writer().maxAttempts(1).build()) {
            String leads = db.uniqueName("nocp");
            assertThatThrownBy(() -> SupabaseCheckpointStore.open(writer, leads))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("checkpoint table " + leads + "_checkpoints does not exist")
                    .hasMessageContaining("run the schema script once");
        }
    }
}
