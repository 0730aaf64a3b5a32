package io.github.bisonbackfill.examples.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/** Helpers shared by the benchmarks of this package: environment, JDBC to the local PostgreSQL, medians. */
final class BenchSupport {
    private BenchSupport() {
    }

    /** A variable exported by {@code scripts/local-supabase.sh}, or a failure saying how to get it. */
    static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(name + " is not set: run the benchmark through its scripts/bench-*.sh,"
                    + " or eval \"$(scripts/local-supabase.sh start)\" first");
        }
        return v;
    }

    /** A JDBC connection to the local PostgreSQL behind PostgREST (superuser, loopback TCP). */
    static Connection jdbc() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + env("PGPORT") + "/" + env("PGDATABASE")
                + "?user=" + env("PGUSER") + "&reWriteBatchedInserts=true");
    }

    /** Empties a table (between benchmark runs). */
    static void truncate(String table) {
        try (Connection c = jdbc(); Statement s = c.createStatement()) {
            s.execute("truncate " + table);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot truncate " + table + ": " + e.getMessage(), e);
        }
    }

    /** The median (upper middle for an even count). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
