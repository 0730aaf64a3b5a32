package io.github.bisonbackfill.supabase;

import io.github.bisonbackfill.supabase.testing.LocalSupabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The writer against the real PostgREST 12.0.2 + PostgreSQL 15 started by scripts/local-supabase.sh. */
class SupabaseWriterLocalIT {
    private static LocalSupabase db;
    private static SupabaseWriter writer;
    private String table;

    /** A lead row as the writer's callers send it: a record, serialised by Jackson. */
    record Lead(String workspace_name, String lead_email, long reply_id, String status, Instant date_received) {
    }

    @BeforeAll
    static void connect() {
        db = LocalSupabase.fromEnvironment();
        writer = db.writer().batchSize(500).concurrentBatches(2).build();
    }

    @AfterAll
    static void close() {
        if (writer != null) {
            writer.close();
        }
    }

    @BeforeEach
    void createTable() {
        table = db.uniqueName("leads");
        db.ddl("create table " + table + " ("
                + " id bigserial primary key,"
                + " workspace_name text not null,"
                + " lead_email text not null,"
                + " reply_id bigint,"
                + " status text not null default 'new',"
                + " amount int check (amount >= 0),"
                + " note text,"
                + " date_received timestamptz,"
                + " unique (lead_email, workspace_name))", table);
    }

    @AfterEach
    void dropTable() {
        db.dropTable(table);
    }

    private static UpsertOptions byEmailAndWorkspace() {
        return UpsertOptions.builder().onConflict("lead_email", "workspace_name").build();
    }

    private static List<Lead> leads(int n, String status) {
        List<Lead> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(new Lead("Workspace " + (i % 7), "lead" + i + "@example.com", i, status,
                    Instant.parse("2024-05-01T10:00:00Z").plusSeconds(i)));
        }
        return rows;
    }

    @Test
    void upsert_tenThousandRows_rerunChangesNothingButChangedValues_andKeepsColumnsThePayloadOmits() {
        List<Lead> rows = leads(10_000, "interested");

        UpsertResult first = writer.upsert(table, rows, byEmailAndWorkspace());

        assertThat(first.rowsAcknowledged()).isEqualTo(10_000);
        assertThat(first.rowsAffected()).isEqualTo(10_000);
        assertThat(first.batches()).isEqualTo(20);
        assertThat(first.rejected()).isEmpty();
        assertThat(first.complete()).isTrue();
        assertThat(db.sqlCount(table)).isEqualTo(10_000);
        assertThat(writer.count(table)).isEqualTo(10_000);

        db.sql("update " + table + " set note = 'edited downstream' where reply_id < 25");
        List<Lead> again = new ArrayList<>(rows);
        for (int i = 0; i < 100; i++) {
            Lead l = again.get(i);
            again.set(i, new Lead(l.workspace_name(), l.lead_email(), l.reply_id(), "meeting booked", l.date_received()));
        }

        UpsertResult second = writer.upsert(table, again, byEmailAndWorkspace());

        assertThat(second.rowsAcknowledged()).isEqualTo(10_000);
        assertThat(second.complete()).isTrue();
        assertThat(db.sqlCount(table)).isEqualTo(10_000);
        assertThat(db.sql("select count(distinct (lead_email, workspace_name)) from " + table)).isEqualTo("10000");
        assertThat(writer.count(table, Filter.eq("status", "meeting booked"))).isEqualTo(100);
        assertThat(writer.count(table, Filter.eq("status", "interested"))).isEqualTo(9_900);
        assertThat(writer.count(table, Filter.eq("note", "edited downstream"))).isEqualTo(25);
        assertThat(db.sql("select date_received from " + table + " where reply_id = 3"))
                .isEqualTo("2024-05-01 10:00:03+00");
    }

    @Test
    void upsert_duplicateConflictKeysInOneCall_areResolvedByTheRuleAndCounted() {
        List<Map<String, Object>> rows = List.of(
                row("a@x.io", "W", 1, "first"),
                row("b@x.io", "W", 2, "only"),
                row("a@x.io", "W", 3, "second"),
                row("a@x.io", "W", 4, "third"));

        UpsertResult lastWins = writer.upsert(table, rows, byEmailAndWorkspace());

        assertThat(lastWins.duplicatesDropped()).isEqualTo(2);
        assertThat(lastWins.rowsAcknowledged()).isEqualTo(2);
        assertThat(lastWins.complete()).isTrue();
        assertThat(db.sql("select status from " + table + " where lead_email = 'a@x.io'")).isEqualTo("third");

        UpsertResult lowestReply = writer.upsert(table, rows, UpsertOptions.builder()
                .onConflict("lead_email", "workspace_name")
                .duplicateRule(DuplicateRule.greatest(Comparator.comparing(
                        (Map<String, Object> m) -> ((Number) m.get("reply_id")).longValue()).reversed()))
                .build());

        assertThat(lowestReply.duplicatesDropped()).isEqualTo(2);
        assertThat(db.sql("select status from " + table + " where lead_email = 'a@x.io'")).isEqualTo("first");
        assertThat(db.sqlCount(table)).isEqualTo(2);
    }

    @Test
    void upsert_rowsTheDatabaseRefuses_areIsolatedAndReported_andTheRestOfTheirBatchIsWritten() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            rows.add(row("r" + i + "@x.io", "W", i, "ok"));
        }
        rows.get(17).put("status", null);        // NOT NULL: 23502
        rows.get(33).put("amount", -5);          // CHECK: 23514
        rows.get(41).put("reply_id", "forty-one"); // bad type: 22P02
        for (Map<String, Object> r : rows) {
            r.putIfAbsent("amount", 1);
        }

        UpsertResult r = writer.upsert(table, rows, byEmailAndWorkspace());

        assertThat(r.rowsAcknowledged()).isEqualTo(57);
        assertThat(r.complete()).isTrue();
        assertThat(r.rejected()).extracting(rej -> rej.row().get("lead_email"))
                .containsExactlyInAnyOrder("r17@x.io", "r33@x.io", "r41@x.io");
        Map<String, String> codeByEmail = new HashMap<>();
        r.rejected().forEach(rej -> codeByEmail.put((String) rej.row().get("lead_email"), rej.error().code()));
        assertThat(codeByEmail).containsEntry("r17@x.io", "23502").containsEntry("r33@x.io", "23514")
                .containsEntry("r41@x.io", "22P02");
        assertThat(r.rejected()).allSatisfy(rej -> {
            assertThat(rej.error().status()).isEqualTo(400);
            assertThat(rej.error().message()).isNotBlank();
        });
        assertThat(db.sqlCount(table)).isEqualTo(57);
    }

    @Test
    void upsert_unknownColumn_failsWithPgrst204() {
        Map<String, Object> row = row("a@x.io", "W", 1, "x");
        row.put("no_such_column", 1);

        assertThatThrownBy(() -> writer.upsert(table, List.of(row), byEmailAndWorkspace()))
                .isInstanceOfSatisfying(SupabaseServiceException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.error().code()).isEqualTo("PGRST204");
                    assertThat(e.getMessage()).contains("no_such_column");
                });
    }

    @Test
    void upsert_onConflictWithoutAUniqueConstraint_failsWith42P10() {
        assertThatThrownBy(() -> writer.upsert(table, List.of(row("a@x.io", "W", 1, "x")),
                UpsertOptions.builder().onConflict("lead_email").build()))
                .isInstanceOfSatisfying(SupabaseServiceException.class, e -> {
                    assertThat(e.error().code()).isEqualTo("42P10");
                    assertThat(e.getMessage()).contains("unique constraint");
                });
    }

    @Test
    void wrongKey_failsWithAuthException_withoutShowingTheKey() {
        String forged = db.serviceRoleKey().substring(0, db.serviceRoleKey().lastIndexOf('.') + 1) + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        try (SupabaseWriter bad = db.writer().apiKey(forged).build()) {
            assertThatThrownBy(() -> bad.upsert(table, List.of(row("a@x.io", "W", 1, "x")), byEmailAndWorkspace()))
                    .isInstanceOfSatisfying(SupabaseAuthException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.error().code()).startsWith("PGRST30");
                        assertThat(e.getMessage()).doesNotContain(forged).doesNotContain(db.serviceRoleKey());
                    });
            assertThatThrownBy(() -> bad.count(table)).isInstanceOf(SupabaseAuthException.class);
        }
    }

    @Test
    void anonKey_underRowLevelSecurity_failsWithAuthException() {
        db.ddl("alter table " + table + " enable row level security", table);
        try (SupabaseWriter anon = db.writer().apiKey(db.anonKey()).build()) {
            assertThatThrownBy(() -> anon.upsert(table, List.of(row("a@x.io", "W", 1, "x")), byEmailAndWorkspace()))
                    .isInstanceOfSatisfying(SupabaseAuthException.class, e -> {
                        assertThat(e.error().code()).isEqualTo("42501");
                        assertThat(e.getMessage()).contains("row-level security");
                    });
        }
        UpsertResult r = writer.upsert(table, List.of(row("a@x.io", "W", 1, "x")), byEmailAndWorkspace());
        assertThat(r.rowsAcknowledged()).as("service_role bypasses row-level security").isEqualTo(1);
    }

    @Test
    void missingTable_failsWithNotFound_forWritesAndCounts() {
        assertThatThrownBy(() -> writer.upsert("no_such_table", List.of(row("a@x.io", "W", 1, "x")), byEmailAndWorkspace()))
                .isInstanceOfSatisfying(SupabaseNotFoundException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("no_such_table", "schema cache");
                });
        assertThatThrownBy(() -> writer.count("no_such_table")).isInstanceOf(SupabaseNotFoundException.class);
    }

    @Test
    void awkwardValues_areWrittenExactly_andFiltersCountThemExactly() {
        List<String> names = List.of("O'Brien & Sons, LLC", "(Ñ) 50%+", "a+b@x.io", "Café 🚀 Ünïcode",
                "say \"hi\"", "back\\slash", "dots.and:colons", "star*", "comma,in (parens)", "  spaced  ");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            for (int copy = 0; copy <= i; copy++) { // name i appears i+1 times: counts are distinguishable
                rows.add(row(copy + "-" + names.get(i), names.get(i), i * 100 + copy, "x"));
            }
        }

        UpsertResult r = writer.upsert(table, rows, byEmailAndWorkspace());
        assertThat(r.rowsAcknowledged()).isEqualTo(rows.size());

        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            assertThat(writer.count(table, Filter.eq("workspace_name", name))).as("eq %s", name).isEqualTo(i + 1);
            assertThat(writer.count(table, Filter.in("workspace_name", name))).as("in %s", name).isEqualTo(i + 1);
            assertThat(writer.count(table, Filter.eq("lead_email", "0-" + name))).as("email %s", name).isEqualTo(1);
            assertThat(db.sql("select count(*) from " + table + " where workspace_name = '" + name.replace("'", "''") + "'"))
                    .isEqualTo(String.valueOf(i + 1));
        }
        assertThat(writer.count(table, Filter.in("workspace_name", names))).isEqualTo(rows.size());
        assertThat(writer.count(table, Filter.neq("workspace_name", "O'Brien & Sons, LLC"))).isEqualTo(rows.size() - 1);
        assertThat(writer.select(table, "workspace_name,lead_email", Filter.eq("workspace_name", "(Ñ) 50%+")))
                .extracting(m -> m.get("lead_email")).containsExactly("0-(Ñ) 50%+", "1-(Ñ) 50%+");
    }

    @Test
    void typedFilters_rangeNullAndInstant() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Map<String, Object> row = row("f" + i + "@x.io", "W", i, "s");
            row.put("date_received", Instant.parse("2024-01-01T00:00:00Z").plusSeconds(3600L * i).toString());
            row.put("note", i % 2 == 0 ? null : "odd");
            rows.add(row);
        }
        writer.upsert(table, rows, byEmailAndWorkspace());

        assertThat(writer.count(table, Filter.gte("reply_id", 3), Filter.lt("reply_id", 7))).isEqualTo(4);
        assertThat(writer.count(table, Filter.gt("reply_id", 3), Filter.lte("reply_id", 7))).isEqualTo(4);
        assertThat(writer.count(table, Filter.isNull("note"))).isEqualTo(5);
        assertThat(writer.count(table, Filter.isNotNull("note"))).isEqualTo(5);
        assertThat(writer.count(table, Filter.gte("date_received", Instant.parse("2024-01-01T05:00:00Z")))).isEqualTo(5);
        assertThat(writer.count(table, Filter.like("lead_email", "f1*"))).isEqualTo(1);
        assertThat(writer.count(table, Filter.in("reply_id", 1, 2, 99))).isEqualTo(2);
    }

    @Test
    void concurrentWriters_onOverlappingKeys_endInAConsistentTable() throws Exception {
        int writers = 4;
        int keys = 2_000;
        ExecutorService threads = Executors.newFixedThreadPool(writers);
        try {
            List<Future<UpsertResult>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                results.add(threads.submit(() -> {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (int k = 0; k < keys; k++) {
                        // each writer's rows say who wrote them in two columns, which must agree in the end
                        rows.add(row("k" + k + "@x.io", "W", id * 1_000_000L + k, "writer-" + id));
                    }
                    Collections.shuffle(rows, new Random(id));
                    return writer.upsert(table, rows, byEmailAndWorkspace());
                }));
            }
            for (Future<UpsertResult> f : results) {
                UpsertResult r = f.get();
                assertThat(r.rowsAcknowledged()).isEqualTo(keys);
                assertThat(r.rejected()).isEmpty();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(db.sqlCount(table)).isEqualTo(keys);
        assertThat(db.sql("select count(*) from " + table
                + " where status <> 'writer-' || (reply_id / 1000000) or reply_id % 1000000 <> substring(lead_email from 2 for position('@' in lead_email) - 2)::bigint"))
                .isEqualTo("0");
    }

    @Test
    void ignoreDuplicates_keepsStoredRows_andAcknowledgesEveryRow() {
        writer.upsert(table, List.of(row("a@x.io", "W", 1, "stored")), byEmailAndWorkspace());

        UpsertResult r = writer.upsert(table, List.of(row("a@x.io", "W", 1, "ignored"), row("b@x.io", "W", 2, "new")),
                UpsertOptions.builder().onConflict("lead_email", "workspace_name")
                        .resolution(Resolution.IGNORE_DUPLICATES).build());

        assertThat(r.rowsAcknowledged()).isEqualTo(2);
        assertThat(r.rowsAffected()).as("Content-Range counts only the inserted row").isEqualTo(1);
        assertThat(r.complete()).isTrue();
        assertThat(db.sql("select status from " + table + " where lead_email = 'a@x.io'")).isEqualTo("stored");
        assertThat(db.sqlCount(table)).isEqualTo(2);
    }

    @Test
    void rowsWithDifferentKeySets_neverOverwriteAColumnARowLeavesOut() {
        writer.upsert(table, List.of(rowWithNote("a@x.io", "kept note"), rowWithNote("b@x.io", "b note")), byEmailAndWorkspace());
        Map<String, Object> withoutNote = row("a@x.io", "W", 1, "updated");
        Map<String, Object> withNote = rowWithNote("b@x.io", "new b note");

        UpsertResult r = writer.upsert(table, List.of(withoutNote, withNote), byEmailAndWorkspace());

        assertThat(r.rowsAcknowledged()).isEqualTo(2);
        assertThat(r.batches()).as("one request per key set").isEqualTo(2);
        assertThat(db.sql("select status || '|' || note from " + table + " where lead_email = 'a@x.io'")).isEqualTo("updated|kept note");
        assertThat(db.sql("select note from " + table + " where lead_email = 'b@x.io'")).isEqualTo("new b note");
    }

    @Test
    void insert_duplicateOfAStoredKey_isRejectedAsConflict_andTheRestInserted() {
        writer.insert(table, List.of(row("a@x.io", "W", 1, "x")));

        UpsertResult r = writer.insert(table, List.of(row("b@x.io", "W", 2, "x"), row("a@x.io", "W", 3, "x"),
                row("c@x.io", "W", 4, "x")));

        assertThat(r.rowsAcknowledged()).isEqualTo(2);
        assertThat(r.rejected()).singleElement().satisfies(rej -> {
            assertThat(rej.error().status()).isEqualTo(409);
            assertThat(rej.error().code()).isEqualTo("23505");
            assertThat(rej.row()).containsEntry("reply_id", 3L);
        });
        assertThat(db.sqlCount(table)).isEqualTo(3);
    }

    @Test
    void select_returnsEveryMatchingRow_acrossPages() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < 53; i++) {
            rows.add(row("s" + i + "@x.io", i % 2 == 0 ? "Even, Inc." : "Odd", i, "x"));
        }
        writer.upsert(table, rows, byEmailAndWorkspace());

        try (SupabaseWriter paging = db.writer().pageSize(7).build()) {
            List<Map<String, Object>> even = paging.select(table, "lead_email,reply_id", Filter.eq("workspace_name", "Even, Inc."));
            assertThat(even).hasSize(27);
            assertThat(even).extracting(m -> ((Number) m.get("reply_id")).intValue()).doesNotHaveDuplicates()
                    .allMatch(i -> i % 2 == 0);
            assertThat(paging.select(table, "reply_id")).hasSize(53);
        }
    }

    private static Map<String, Object> row(String email, String workspace, long replyId, String status) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("lead_email", email);
        row.put("workspace_name", workspace);
        row.put("reply_id", replyId);
        row.put("status", status);
        return row;
    }

    private static Map<String, Object> rowWithNote(String email, String note) {
        Map<String, Object> row = row(email, "W", 1, "x");
        row.put("note", note);
        return row;
    }
}
