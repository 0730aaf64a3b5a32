package io.github.bisonbackfill.examples.bench;

import io.github.bisonbackfill.supabase.SupabaseNotFoundException;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.UpsertOptions;
import io.github.bisonbackfill.supabase.UpsertResult;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.github.bisonbackfill.examples.bench.BenchSupport.env;
import static io.github.bisonbackfill.examples.bench.BenchSupport.median;

/**
 * Rows per second into the local PostgREST (scripts/local-supabase.sh) with {@code SupabaseWriter}
 * for batch sizes 100/500/1000 and 1-4 concurrent batches, side by side with a direct JDBC batch upsert
 * into the same PostgreSQL. Run it with {@code scripts/bench-writer.sh [rows] [repetitions]}.
 *
 * <p>Each measurement upserts {@code rows} lead-like rows twice: into an empty table ("insert": every
 * row new) and again with changed values ("merge": every row updated), and reports the median of the
 * repetitions. Reads SUPABASE_REST_URL, SUPABASE_SERVICE_ROLE_KEY, PGPORT, PGUSER, PGDATABASE.
 */
public final class WriterBenchmark {
    private static final String TABLE = "bench_leads";
    private static final int[] BATCH_SIZES = {100, 500, 1000};
    private static final int[] CONCURRENCY = {1, 2, 3, 4};

    private WriterBenchmark() {
    }

    /**
     * Runs the benchmark and prints a Markdown table.
     *
     * @param args [rows (default 20000)] [repetitions (default 3)]
     * @throws Exception when the local Supabase is not running or a write fails
     */
    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String restUrl = env("SUPABASE_REST_URL");
        String key = env("SUPABASE_SERVICE_ROLE_KEY");

        try (Connection c = BenchSupport.jdbc()) {
            try (Statement s = c.createStatement()) {
                s.execute("drop table if exists " + TABLE);
                s.execute("create table " + TABLE + " (id bigserial primary key, workspace_name text not null,"
                        + " lead_email text not null, reply_id bigint, status text, first_name text, last_name text,"
                        + " company text, title text, date_received timestamptz, unique (lead_email, workspace_name))");
                s.execute("notify pgrst, 'reload schema'");
            }
            UpsertOptions options = UpsertOptions.builder().onConflict("lead_email", "workspace_name").build();
            List<Map<String, Object>> fresh = rows(rows, "interested");
            List<Map<String, Object>> changed = rows(rows, "meeting booked");
            awaitTable(restUrl, key, options);

            System.out.printf("%n%d rows per run, median of %d runs; rows/s%n%n", rows, reps);
            System.out.println("| method | batch | concurrent | insert rows/s | merge rows/s |");
            System.out.println("|---|---:|---:|---:|---:|");
            double bestJdbc = 0;
            for (int batch : new int[] {500, 1000}) {
                double[] r = measure(reps, c, () -> jdbc(c, fresh, batch), () -> jdbc(c, changed, batch));
                bestJdbc = Math.max(bestJdbc, Math.min(r[0], r[1]));
                System.out.printf("| JDBC batch upsert | %d | 1 | %.0f | %.0f |%n", batch, r[0], r[1]);
            }
            double bestWriter = 0;
            String bestSetting = "";
            for (int batch : BATCH_SIZES) {
                for (int concurrent : CONCURRENCY) {
                    try (SupabaseWriter writer = SupabaseWriter.builder().restUrl(restUrl).apiKey(key)
                            .batchSize(batch).concurrentBatches(concurrent).build()) {
                        double[] r = measure(reps, c, () -> upsert(writer, fresh, options), () -> upsert(writer, changed, options));
                        double worse = Math.min(r[0], r[1]);
                        if (worse > bestWriter) {
                            bestWriter = worse;
                            bestSetting = "batch " + batch + ", " + concurrent + " concurrent";
                        }
                        System.out.printf("| SupabaseWriter | %d | %d | %.0f | %.0f |%n", batch, concurrent, r[0], r[1]);
                    }
                }
            }
            System.out.printf("%nbest writer setting: %s (%.0f rows/s on the slower of insert/merge); best JDBC %.0f rows/s;"
                    + " ratio %.2fx%n", bestSetting, bestWriter, bestJdbc, bestJdbc / bestWriter);
            try (Statement s = c.createStatement()) {
                s.execute("drop table if exists " + TABLE);
            }
        }
    }

    private interface Run {
        void run() throws Exception;
    }

    /** Median rows/s of {@code reps} (truncate, insert run, merge run) rounds, plus one warm-up round. */
    private static double[] measure(int reps, Connection c, Run insert, Run merge) throws Exception {
        double[] inserts = new double[reps];
        double[] merges = new double[reps];
        for (int i = -1; i < reps; i++) {
            truncate(c);
            double a = timed(insert);
            double b = timed(merge);
            if (i >= 0) {
                inserts[i] = a;
                merges[i] = b;
            }
        }
        return new double[] {median(inserts), median(merges)};
    }

    private static int rowCount;

    private static double timed(Run run) throws Exception {
        long start = System.nanoTime();
        run.run();
        return rowCount / ((System.nanoTime() - start) / 1e9);
    }

    private static void upsert(SupabaseWriter writer, List<Map<String, Object>> rows, UpsertOptions options) {
        UpsertResult r = writer.upsert(TABLE, rows, options);
        if (r.rowsAcknowledged() != rows.size() || !r.rejected().isEmpty()) {
            throw new IllegalStateException("benchmark upsert incomplete: " + r);
        }
        rowCount = rows.size();
    }

    private static void jdbc(Connection c, List<Map<String, Object>> rows, int batch) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("insert into " + TABLE + " (workspace_name, lead_email, reply_id,"
                + " status, first_name, last_name, company, title, date_received) values (?,?,?,?,?,?,?,?,?)"
                + " on conflict (lead_email, workspace_name) do update set reply_id = excluded.reply_id,"
                + " status = excluded.status, first_name = excluded.first_name, last_name = excluded.last_name,"
                + " company = excluded.company, title = excluded.title, date_received = excluded.date_received")) {
            int n = 0;
            for (Map<String, Object> row : rows) {
                ps.setString(1, (String) row.get("workspace_name"));
                ps.setString(2, (String) row.get("lead_email"));
                ps.setLong(3, (Long) row.get("reply_id"));
                ps.setString(4, (String) row.get("status"));
                ps.setString(5, (String) row.get("first_name"));
                ps.setString(6, (String) row.get("last_name"));
                ps.setString(7, (String) row.get("company"));
                ps.setString(8, (String) row.get("title"));
                ps.setTimestamp(9, Timestamp.from(Instant.parse((String) row.get("date_received"))));
                ps.addBatch();
                if (++n % batch == 0) {
                    ps.executeBatch();
                    c.commit();
                }
            }
            ps.executeBatch();
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
        rowCount = rows.size();
    }

    private static void truncate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("truncate " + TABLE);
        }
    }

    private static void awaitTable(String restUrl, String key, UpsertOptions options) throws InterruptedException {
        try (SupabaseWriter writer = SupabaseWriter.builder().restUrl(restUrl).apiKey(key).build()) {
            for (int i = 0; ; i++) {
                try {
                    writer.upsert(TABLE, rows(1, "warm-up"), options);
                    return;
                } catch (SupabaseNotFoundException notYet) {
                    if (i > 200) {
                        throw notYet;
                    }
                    Thread.sleep(50);
                }
            }
        }
    }

    private static List<Map<String, Object>> rows(int n, String status) {
        List<Map<String, Object>> rows = new ArrayList<>(n);
        Instant t0 = Instant.parse("2024-01-01T00:00:00Z");
        for (int i = 0; i < n; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("workspace_name", "Workspace " + (i % 24) + ", LLC");
            row.put("lead_email", "lead" + i + "@example-" + (i % 97) + ".com");
            row.put("reply_id", (long) i);
            row.put("status", status);
            row.put("first_name", "Dana " + i);
            row.put("last_name", "O'Brien-Núñez");
            row.put("company", "Harbor Insurance " + (i % 500));
            row.put("title", "Head of Growth");
            row.put("date_received", t0.plusSeconds(i * 37L).toString());
            rows.add(row);
        }
        return rows;
    }
}
