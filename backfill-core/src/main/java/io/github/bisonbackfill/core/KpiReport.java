package io.github.bisonbackfill.core;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.bisonbackfill.core.internal.Csv;
import io.github.bisonbackfill.core.internal.Json;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * KPI rows with their two file formats, both a stable contract:
 * <ul>
 *   <li>CSV ({@link #toCsv()}): one header line, {@link #CSV_HEADERS}, whatever the month (so the files
 *       of several months concatenate under one header), then one line per row; a missing figure is an
 *       empty cell; RFC 4180 quoting.</li>
 *   <li>JSON ({@link #toJson()}): {@code {"schemaVersion": 1, "kind": "kpi", "rows": [...]}}, the rows'
 *       keys in camelCase ({@code windowStart}, {@code ebUniqueLeads}), {@code null} for a missing
 *       figure.</li>
 * </ul>
 * {@link #fromCsv(String)} and {@link #fromJson(String)} read them back.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}
 * @param kind          {@code "kpi"}
 * @param rows          the rows
 */
@JsonPropertyOrder({"schemaVersion", "kind", "rows"})
public record KpiReport(int schemaVersion, String kind, List<KpiRow> rows) {
    /** The version of the JSON envelope (and of the CSV columns): {@value}. */
    public static final int SCHEMA_VERSION = 1;
    /** The envelope's {@code kind}: {@value}. */
    public static final String KIND = "kpi";
    /** The CSV header, in column order: the row's components in snake_case. */
    public static final List<String> CSV_HEADERS = List.of("month", "zone", "window_start", "window_end", "instance",
            "workspace_id", "client", "leads", "rows_in_window", "eb_unique_leads", "eb_replies", "eb_interested_stat",
            "error");

    /** @throws IllegalArgumentException if the version or kind is not this one's */
    public KpiReport {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("KPI schemaVersion " + schemaVersion + " is not supported (this version reads "
                    + SCHEMA_VERSION + ")");
        }
        if (!KIND.equals(kind)) {
            throw new IllegalArgumentException("not a KPI report: kind is " + kind + ", expected " + KIND);
        }
        rows = List.copyOf(rows);
    }

    /**
     * @param rows the rows
     * @return a report of the current schema version
     */
    public static KpiReport of(List<KpiRow> rows) {
        return new KpiReport(SCHEMA_VERSION, KIND, rows);
    }

    /** @return the header line and one line per row, each ending in CRLF */
    public String toCsv() {
        StringBuilder b = new StringBuilder(Csv.line(CSV_HEADERS));
        for (KpiRow r : rows) {
            List<String> cells = new ArrayList<>(CSV_HEADERS.size());
            cells.add(r.month().toString());
            cells.add(r.zone().getId());
            cells.add(r.windowStart().toString());
            cells.add(r.windowEnd().toString());
            cells.add(r.instance());
            cells.add(Long.toString(r.workspaceId()));
            cells.add(r.client());
            cells.add(text(r.leads()));
            cells.add(text(r.rowsInWindow()));
            cells.add(text(r.ebUniqueLeads()));
            cells.add(text(r.ebReplies()));
            cells.add(text(r.ebInterestedStat()));
            cells.add(r.error() == null ? "" : r.error());
            b.append(Csv.line(cells));
        }
        return b.toString();
    }

    /**
     * Reads a CSV written by {@link #toCsv()} (or several concatenated under one header).
     *
     * @param csv the text
     * @return the report
     * @throws IllegalArgumentException if the header is not {@link #CSV_HEADERS} or a cell is malformed
     *                                  (the message names the line)
     */
    public static KpiReport fromCsv(String csv) {
        List<List<String>> records = Csv.parse(csv);
        if (records.isEmpty() || !records.get(0).equals(CSV_HEADERS)) {
            throw new IllegalArgumentException("not a KPI CSV: the header must be " + String.join(",", CSV_HEADERS)
                    + (records.isEmpty() ? " (the text is empty)" : ", got " + String.join(",", records.get(0))));
        }
        List<KpiRow> rows = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            List<String> c = records.get(i);
            if (c.size() != CSV_HEADERS.size()) {
                throw new IllegalArgumentException("KPI CSV record " + (i + 1) + " has " + c.size() + " cells, expected "
                        + CSV_HEADERS.size());
            }
            try {
                rows.add(new KpiRow(YearMonth.parse(c.get(0)), ZoneId.of(c.get(1)), Instant.parse(c.get(2)),
                        Instant.parse(c.get(3)), c.get(4), Long.parseLong(c.get(5)), c.get(6), number(c.get(7)),
                        number(c.get(8)), number(c.get(9)), number(c.get(10)), number(c.get(11)),
                        c.get(12).isEmpty() ? null : c.get(12)));
            } catch (java.time.DateTimeException | NumberFormatException e) {
                throw new IllegalArgumentException("KPI CSV record " + (i + 1) + " is malformed: " + e.getMessage(), e);
            }
        }
        return of(rows);
    }

    /**
     * @return the JSON envelope, indented
     * @throws BackfillException if serialisation fails (a bug)
     */
    public String toJson() {
        try {
            return Json.MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new BackfillException("cannot serialise the KPI report: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * @param json an envelope written by {@link #toJson()}
     * @return the report
     * @throws BackfillException if {@code json} is not a KPI report of this schema version
     */
    public static KpiReport fromJson(String json) {
        Objects.requireNonNull(json, "json");
        try {
            return Json.MAPPER.readValue(json, KpiReport.class);
        } catch (JsonProcessingException e) {
            throw new BackfillException("not a KPI report: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(@Nullable Long n) {
        return n == null ? "" : n.toString();
    }

    private static Long number(String s) {
        return s.isEmpty() ? null : Long.valueOf(s);
    }
}
