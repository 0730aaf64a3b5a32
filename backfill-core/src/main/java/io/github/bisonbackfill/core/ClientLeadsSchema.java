package io.github.bisonbackfill.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code client_leads} schema script shipped with the library
 * ({@code io/github/bisonbackfill/core/client_leads.sql}): idempotent, one transaction, safe on a
 * fresh database and on the production table. It creates the table or adds missing columns,
 * normalises legacy emails where that creates no duplicate, ensures the unique keys
 * {@code (lead_email, workspace_name)} and {@code (bison_instance, bison_reply_id)}, installs the
 * monotonic guard trigger, grants {@code service_role} and reloads PostgREST's schema cache. See
 * {@code docs/backfill-core.md}.
 *
 * <pre>{@code
 * Files.writeString(Path.of("client_leads.sql"), ClientLeadsSchema.sql());
 * // psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f client_leads.sql
 * }</pre>
 */
public final class ClientLeadsSchema {
    /** The table name. */
    public static final String TABLE = "client_leads";

    /**
     * The table {@code kpi --save} appends KPI rows to, created by the script (its columns are the KPI
     * CSV's, {@link KpiReport#CSV_HEADERS}, plus {@code id}, {@code kpi_run_id} and {@code saved_at}).
     * The script also creates {@code client_leads_monthly(zone)} and the view
     * {@code client_leads_monthly_utc}: leads per client per month in a time zone.
     */
    public static final String KPI_RUNS_TABLE = "client_kpi_runs";

    /** The upsert conflict key ({@code on_conflict}); a real unique constraint backs it. */
    public static final List<String> CONFLICT_COLUMNS = List.of("lead_email", "workspace_name");

    /** The classpath resource holding the script. */
    public static final String RESOURCE = "/io/github/bisonbackfill/core/client_leads.sql";

    /** The session setting that lets the script drop the legacy unique {@code (bison_reply_id)}. */
    public static final String DROP_LEGACY_REPLY_ID_UNIQUE_SETTING = "bison_backfill.drop_legacy_reply_id_unique";

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,29}");

    private ClientLeadsSchema() {
    }

    /**
     * The script for a table of another name in the {@code public} schema (e.g. one table per
     * environment or per test). Every object the script names after the table (constraints, the guard
     * function and trigger) is renamed with it, so several such tables coexist in one database.
     *
     * @param table a lower-case unquoted identifier of at most 30 characters (so that derived names stay within PostgreSQL's 63; {@code [a-z_][a-z0-9_]*})
     * @return the SQL text
     * @throws IllegalArgumentException if {@code table} is not such an identifier
     */
    public static String sql(String table) {
        if (table == null || !IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("table name must be a lower-case unquoted identifier of at most 30"
                    + " characters ([a-z_][a-z0-9_]*), got: " + (table == null ? "null" : "'" + table + "'"));
        }
        return sql().replace(TABLE, table);
    }

    /**
     * The script. It keeps a legacy unique {@code (bison_reply_id)} (with a warning), because another
     * writer may still upsert with {@code on_conflict=bison_reply_id}.
     *
     * @return the SQL text
     * @throws UncheckedIOException if the resource cannot be read (a broken jar)
     */
    public static String sql() {
        try (InputStream in = ClientLeadsSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("resource " + RESOURCE + " missing from the classpath"));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * The script preceded by the setting that drops the legacy unique {@code (bison_reply_id)}
     * (needed to write several instances whose reply ids collide). Use it once no other writer
     * upserts with {@code on_conflict=bison_reply_id}.
     *
     * @return the SQL text
     */
    public static String sqlDroppingLegacyReplyIdUnique() {
        return "set " + DROP_LEGACY_REPLY_ID_UNIQUE_SETTING + " = 'on';\n" + sql();
    }
}
