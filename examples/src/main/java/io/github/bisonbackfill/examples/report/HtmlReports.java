package io.github.bisonbackfill.examples.report;

import io.github.bisonbackfill.core.BackfillReport;
import io.github.bisonbackfill.core.ClientOutcome;
import io.github.bisonbackfill.core.ClientReport;
import io.github.bisonbackfill.core.KpiRow;
import io.github.bisonbackfill.core.RejectReason;
import io.github.bisonbackfill.core.WriteReject;

import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Self-contained HTML pages for people: the KPI report ({@code kpi --html}) and a run summary
 * ({@code backfill --html}). One file each, no external asset, no script library: the bars are inline
 * SVG, the styles inline, and a few lines of inline JavaScript sort the table. Every value from the
 * data (client names above all: {@code O'Brien & Sons}) is HTML-escaped.
 */
public final class HtmlReports {
    /** Width of the longest bar of the KPI chart, in SVG units. */
    static final int BAR_WIDTH = 360;

    private HtmlReports() {
    }

    /**
     * One client's leads (table rows by {@code date_received}) in an earlier month of the KPI page.
     *
     * @param month the month
     * @param rows  rows in it, or {@code null} when they could not be counted
     */
    public record MonthCount(YearMonth month, Long rows) {
        /** @throws NullPointerException if {@code month} is {@code null} */
        public MonthCount {
            Objects.requireNonNull(month, "month");
        }
    }

    /**
     * The KPI page: per client the month's (or month-to-date) rows as a highlighted bar against the
     * earlier months' bars, Email Bison's figures beside the table's, mismatches (rows in the window
     * differing from Email Bison's unique leads) highlighted, the zone and window stated; the table sorts
     * by client or by count when a header is clicked.
     *
     * @param rows    the KPI rows of one month, one per client
     * @param history per client name, the earlier months oldest first (may be empty)
     * @return the page
     */
    public static String kpiPage(List<KpiRow> rows, Map<String, List<MonthCount>> history) {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(history, "history");
        long max = 1;
        for (KpiRow r : rows) {
            max = Math.max(max, nz(r.rowsInWindow()));
            for (MonthCount m : history.getOrDefault(r.client(), List.of())) {
                max = Math.max(max, nz(m.rows()));
            }
        }
        KpiRow first = rows.isEmpty() ? null : rows.get(0);
        String title = first == null ? "KPIs" : "KPIs " + first.month();
        StringBuilder b = new StringBuilder();
        head(b, title);
        b.append("<h1>").append(esc(title)).append("</h1>\n");
        if (first != null) {
            b.append("<p class=\"window\">Zone <b>").append(esc(first.zone().getId())).append("</b>, window <b>")
                    .append(esc(first.windowStart().toString())).append("</b> to <b>").append(esc(first.windowEnd().toString()))
                    .append("</b> (half-open, by <code>date_received</code>). ")
                    .append("Bars: rows in the table per month; the highlighted bar is ").append(esc(first.month().toString()))
                    .append(", the others the months before it.</p>\n");
        }
        long mismatches = rows.stream().filter(KpiRow::mismatch).count();
        b.append("<p class=\"summary\">").append(rows.size()).append(rows.size() == 1 ? " client, " : " clients, ")
                .append(mismatches).append(mismatches == 1 ? " mismatch" : " mismatches")
                .append(" between the table and Email Bison's unique leads.</p>\n");
        b.append("<table id=\"kpi\">\n<thead><tr>")
                .append("<th data-sort=\"text\" class=\"sortable\">Client</th>")
                .append("<th data-sort=\"text\" class=\"sortable\">Instance</th>")
                .append("<th data-sort=\"number\" class=\"sortable num\">Rows in window</th>")
                .append("<th data-sort=\"number\" class=\"sortable num\">EB unique leads</th>")
                .append("<th data-sort=\"number\" class=\"sortable num\">EB replies</th>")
                .append("<th data-sort=\"number\" class=\"sortable num\">EB interested stat</th>")
                .append("<th data-sort=\"number\" class=\"sortable num\">Leads in table</th>")
                .append("<th>Months</th><th>Note</th></tr></thead>\n<tbody>\n");
        for (KpiRow r : rows) {
            boolean mismatch = r.mismatch();
            b.append("<tr class=\"client").append(mismatch ? " mismatch" : "").append("\" data-client=\"")
                    .append(esc(r.client())).append("\">");
            b.append("<td>").append(esc(r.client())).append("</td><td>").append(esc(r.instance())).append("</td>");
            numCell(b, r.rowsInWindow());
            numCell(b, r.ebUniqueLeads());
            numCell(b, r.ebReplies());
            numCell(b, r.ebInterestedStat());
            numCell(b, r.leads());
            b.append("<td>");
            bars(b, r, history.getOrDefault(r.client(), List.of()), max);
            b.append("</td><td>");
            if (mismatch) {
                long diff = r.rowsInWindow() - r.ebUniqueLeads();
                b.append("<span class=\"flag\">MISMATCH ").append(diff > 0 ? "+" : "").append(diff).append("</span> ");
            }
            if (r.error() != null) {
                b.append("<span class=\"error\">").append(esc(r.error())).append("</span>");
            }
            b.append("</td></tr>\n");
        }
        b.append("</tbody></table>\n");
        b.append("<p class=\"legend\">Rows in window: <code>client_leads</code> rows received in the window. EB unique leads: ")
                .append("distinct emails whose latest interested reply is in the window (the same rule), so the two should be ")
                .append("equal; a difference is highlighted. EB replies and the interested stat count replies, not leads. ")
                .append("Click a column header to sort.</p>\n");
        tail(b);
        return b.toString();
    }

    private static void bars(StringBuilder b, KpiRow r, List<MonthCount> earlier, long max) {
        int n = earlier.size() + 1;
        int rowH = 14;
        int h = n * rowH;
        b.append("<svg class=\"bars\" role=\"img\" width=\"").append(BAR_WIDTH + 150).append("\" height=\"").append(h)
                .append("\" viewBox=\"0 0 ").append(BAR_WIDTH + 150).append(' ').append(h).append("\" aria-label=\"")
                .append(esc(r.client())).append(": rows per month\">");
        int y = 0;
        for (MonthCount m : earlier) {
            bar(b, "bar bar-previous", m.month().toString(), m.rows(), max, y, rowH);
            y += rowH;
        }
        bar(b, "bar bar-current", r.month().toString(), r.rowsInWindow(), max, y, rowH);
        b.append("</svg>");
    }

    private static void bar(StringBuilder b, String cls, String month, Long value, long max, int y, int h) {
        long w = value == null ? 0 : Math.max(1, Math.round((double) value * BAR_WIDTH / max));
        b.append("<text x=\"0\" y=\"").append(y + h - 3).append("\" class=\"label\">").append(esc(month)).append("</text>");
        b.append("<rect class=\"").append(cls).append("\" data-month=\"").append(esc(month)).append("\" data-value=\"")
                .append(value == null ? "" : value).append("\" x=\"60\" y=\"").append(y + 2).append("\" width=\"").append(w)
                .append("\" height=\"").append(h - 4).append("\"><title>").append(esc(month)).append(": ")
                .append(value == null ? "not counted" : value + " rows").append("</title></rect>");
        b.append("<text x=\"").append(64 + w).append("\" y=\"").append(y + h - 3).append("\" class=\"value\">")
                .append(value == null ? "–" : value).append("</text>");
    }

    /**
     * The run summary page: per client its outcome, rows written, rejects by reason, workspace-context
     * violations and duration; failed clients with their (redacted) error.
     *
     * @param report the run's report
     * @return the page
     */
    public static String runPage(BackfillReport report) {
        Objects.requireNonNull(report, "report");
        String title = "Backfill run " + report.runId();
        StringBuilder b = new StringBuilder();
        head(b, title);
        b.append("<h1>").append(esc(title)).append("</h1>\n");
        b.append("<p class=\"summary\">").append(esc(report.startedAt().toString())).append(" to ")
                .append(esc(report.finishedAt().toString())).append(" (").append(seconds(report.duration())).append(")")
                .append(report.dryRun() ? ", dry run" : "").append(": ").append(report.clients().size()).append(" clients, ")
                .append(report.totalRowsWritten()).append(" rows written, ").append(report.count(ClientOutcome.FAILED))
                .append(" failed. <b>").append(report.succeeded() ? "Succeeded" : "Not everything succeeded").append("</b>.</p>\n");
        b.append("<table id=\"run\">\n<thead><tr>")
                .append("<th data-sort=\"text\" class=\"sortable\">Client</th>")
                .append("<th data-sort=\"text\" class=\"sortable\">Instance</th>")
                .append("<th data-sort=\"text\" class=\"sortable\">Outcome</th>")
                .append("<th data-sort=\"number\" class=\"sortable num\">Rows written</th>")
                .append("<th data-sort=\"number\" class=\"sortable num\">Leads</th>")
                .append("<th>Rejects by reason</th>")
                .append("<th data-sort=\"text\" class=\"sortable num\">Violations detected/recovered</th>")
                .append("<th data-sort=\"number\" class=\"sortable num\">Duration (s)</th>")
                .append("<th>Error</th></tr></thead>\n<tbody>\n");
        for (ClientReport c : report.clients()) {
            String outcome = c.outcome().name().toLowerCase(Locale.ROOT);
            b.append("<tr class=\"client outcome-").append(outcome.replace('_', '-')).append("\" data-client=\"")
                    .append(esc(c.client().clientName())).append("\">");
            b.append("<td>").append(esc(c.client().clientName())).append("</td><td>").append(esc(c.client().instance()))
                    .append("</td><td class=\"outcome\">").append(esc(c.outcome().name())).append("</td>");
            numCell(b, c.write() == null ? null : c.write().rowsWritten());
            numCell(b, c.dedup() == null ? null : (long) c.dedup().uniqueLeads());
            b.append("<td class=\"rejects\">").append(esc(rejects(c))).append("</td>");
            b.append("<td class=\"num\">").append(c.scan() == null ? "" : c.scan().violationsDetected() + "/"
                    + c.scan().violationsRecovered()).append("</td>");
            b.append("<td class=\"num\" data-value=\"").append(c.duration().toMillis()).append("\">")
                    .append(String.format(Locale.ROOT, "%.1f", c.duration().toMillis() / 1000.0)).append("</td>");
            b.append("<td class=\"error\">").append(c.error() == null ? "" : esc(c.error().message())).append("</td></tr>\n");
        }
        b.append("</tbody></table>\n");
        tail(b);
        return b.toString();
    }

    /** {@code "INVALID_DOMAIN 2, write 23514 1"}: dedup reasons, then Supabase's error codes; empty when none. */
    static String rejects(ClientReport c) {
        List<String> parts = new ArrayList<>();
        if (c.dedup() != null) {
            for (Map.Entry<RejectReason, Integer> e : c.dedup().rejectedByReason().entrySet()) {
                if (e.getValue() > 0) {
                    parts.add(e.getKey().name() + " " + e.getValue());
                }
            }
        }
        if (c.write() != null) {
            Map<String, Integer> byCode = new TreeMap<>();
            for (WriteReject w : c.write().rejects()) {
                byCode.merge(w.error().code() == null ? "unknown" : w.error().code(), 1, Integer::sum);
            }
            byCode.forEach((code, n) -> parts.add("write " + code + " " + n));
        }
        return String.join(", ", parts);
    }

    private static void numCell(StringBuilder b, Long v) {
        b.append("<td class=\"num\" data-value=\"").append(v == null ? "" : v).append("\">").append(v == null ? "" : v)
                .append("</td>");
    }

    private static long nz(Long v) {
        return v == null ? 0 : v;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static void head(StringBuilder b, String title) {
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5rem;color:#1d2430}\n")
                .append("h1{font-size:1.4rem;margin:0 0 .5rem}\n.window,.summary,.legend{color:#4a5568;font-size:.9rem}\n")
                .append("table{border-collapse:collapse;margin-top:1rem;font-size:.9rem}\n")
                .append("th,td{border-bottom:1px solid #e2e8f0;padding:.35rem .6rem;text-align:left;vertical-align:middle}\n")
                .append("th.sortable{cursor:pointer;user-select:none}\nth.sortable:hover{background:#edf2f7}\n")
                .append("th.sorted-asc::after{content:' \\25B2'}\nth.sorted-desc::after{content:' \\25BC'}\n")
                .append(".num{text-align:right;font-variant-numeric:tabular-nums}\n")
                .append("tr.mismatch{background:#fff5f5}\ntr.mismatch td:first-child{border-left:4px solid #e53e3e}\n")
                .append(".flag{color:#c53030;font-weight:600}\n.error{color:#9b2c2c}\n")
                .append("tr.outcome-failed{background:#fff5f5}\ntr.outcome-completed-with-rejects{background:#fffaf0}\n")
                .append(".bar-previous{fill:#a0aec0}\n.bar-current{fill:#3182ce}\ntr.mismatch .bar-current{fill:#e53e3e}\n")
                .append("svg text{font-size:10px;fill:#4a5568}\n")
                .append("</style>\n</head>\n<body>\n");
    }

    private static void tail(StringBuilder b) {
        // Sorting: a click on a sortable header sorts the body by that column (numbers by data-value,
        // empty last), a second click reverses. No library, nothing fetched.
        b.append("<script>\n")
                .append("document.querySelectorAll('th.sortable').forEach(function (th) {\n")
                .append("  th.addEventListener('click', function () {\n")
                .append("    var table = th.closest('table'), body = table.tBodies[0];\n")
                .append("    var index = Array.prototype.indexOf.call(th.parentNode.children, th);\n")
                .append("    var asc = !th.classList.contains('sorted-asc');\n")
                .append("    table.querySelectorAll('th').forEach(function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });\n")
                .append("    th.classList.add(asc ? 'sorted-asc' : 'sorted-desc');\n")
                .append("    var numeric = th.getAttribute('data-sort') === 'number';\n")
                .append("    var rows = Array.prototype.slice.call(body.rows);\n")
                .append("    rows.sort(function (a, b) {\n")
                .append("      var x = a.cells[index], y = b.cells[index];\n")
                .append("      if (numeric) {\n")
                .append("        var p = x.getAttribute('data-value'), q = y.getAttribute('data-value');\n")
                .append("        if (p === '' || p === null) return 1;\n")
                .append("        if (q === '' || q === null) return -1;\n")
                .append("        return asc ? Number(p) - Number(q) : Number(q) - Number(p);\n")
                .append("      }\n")
                .append("      var c = x.textContent.localeCompare(y.textContent);\n")
                .append("      return asc ? c : -c;\n")
                .append("    });\n")
                .append("    rows.forEach(function (r) { body.appendChild(r); });\n")
                .append("  });\n")
                .append("});\n")
                .append("</script>\n</body>\n</html>\n");
    }

    /** HTML-escapes text for element content and double-quoted attributes. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
