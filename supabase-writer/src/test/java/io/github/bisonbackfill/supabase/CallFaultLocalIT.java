package io.github.bisonbackfill.supabase;

import io.github.bisonbackfill.supabase.testing.LocalSupabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Row faults versus call faults against the real PostgREST: an error that is not about a row's data
 * (a key whose role does not exist, a trigger refusing every row alike) fails the call at once
 * instead of bisecting and reporting every row rejected; real row faults stay rejected rows.
 */
class CallFaultLocalIT {
    static final LocalSupabase db = LocalSupabase.fromEnvironment();
    String table;

    @BeforeEach
    void createTable() {
        table = db.uniqueName("callfault");
        db.ddl("create table " + table + " (id bigserial primary key, lead_email text not null,"
                + " workspace_name text not null, note text, unique (lead_email, workspace_name))", table);
    }

    @AfterEach
    void drop() {
        db.dropTable(table);
    }

    static List<Map<String, Object>> rows(int n) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("lead_email", "c" + i + "@x.io");
            r.put("workspace_name", "W");
            r.put("note", "n" + i);
            rows.add(r);
        }
        return rows;
    }

    static UpsertOptions byKey() {
        return UpsertOptions.builder().onConflict("lead_email", "workspace_name").build();
    }

    @Test
    void keyWhoseRoleDoesNotExist_failsTheCallAtOnce_noRowReportedRejected() {
        String key = db.jwtForRole("no_such_role_" + table);
        try (SupabaseWriter w = SupabaseWriter.builder().restUrl(db.restUrl()).apiKey(key).build()) {
            List<BatchProgress> batches = new ArrayList<>();
            UpsertOptions options = UpsertOptions.builder().onConflict("lead_email", "workspace_name")
                    .listener(batches::add).build();
            assertThatThrownBy(() -> w.upsert(table, rows(1000), options))
                    .isInstanceOf(SupabaseServiceException.class)
                    .hasMessageContaining("22023").hasMessageContaining("does not exist")
                    .hasMessageNotContaining(key)
                    .satisfies(e -> assertThat(((SupabaseServiceException) e).error().code()).isEqualTo("22023"));
            // Failed at once: no batch was bisected into per-row requests.
            assertThat(batches).isEmpty();
            assertThatThrownBy(() -> w.upsert(table, rows(1), byKey())).isInstanceOf(SupabaseServiceException.class);
        }
        assertThat(db.sqlCount(table)).isZero();
    }

    @Test
    void triggerRefusingEveryRowAlike_isAFaultOfTheCall_butARowItRefusesAloneIsARejectedRow() {
        db.sql("create function " + table + "_guard() returns trigger language plpgsql as $$ begin"
                + " if new.note like 'bad%' or current_setting('app.paused_" + table + "', true) = 'on' then"
                + " raise exception 'writes are paused'; end if; return new; end $$");
        db.sql("create trigger " + table + "_guard before insert or update on " + table
                + " for each row execute function " + table + "_guard()");
        try (SupabaseWriter w = db.writer().build()) {
            // One bad row among good ones: a row fault, isolated and reported; the others written.
            List<Map<String, Object>> mixed = rows(20);
            mixed.get(7).put("note", "bad");
            UpsertResult r = w.upsert(table, mixed, byKey());
            assertThat(r.rowsAcknowledged()).isEqualTo(19);
            assertThat(r.rejected()).singleElement().satisfies(rej -> assertThat(rej.error().code()).isEqualTo("P0001"));

            // Every row refused with the same error naming no row: the call fails, nothing "rejected".
            List<Map<String, Object>> allBad = rows(20);
            allBad.forEach(row -> row.put("note", "bad"));
            assertThatThrownBy(() -> w.upsert(table, allBad, byKey())).isInstanceOf(SupabaseServiceException.class)
                    .hasMessageContaining("writes are paused").hasMessageContaining("names no row's data");
        }
    }
}
