package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.core.BillingCounts;
import io.github.bisonbackfill.core.BillingReport;
import io.github.bisonbackfill.core.BillingWindow;
import io.github.bisonbackfill.core.ClientBilling;
import io.github.bisonbackfill.core.ClientKey;
import io.github.bisonbackfill.core.ClientLeadsSchema;
import io.github.bisonbackfill.core.ErrorInfo;
import io.github.bisonbackfill.core.KpiReport;
import io.github.bisonbackfill.core.KpiRow;
import io.github.bisonbackfill.examples.report.HtmlReports;
import io.github.bisonbackfill.supabase.UpsertResult;
import io.github.bisonbackfill.supabase.Filter;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code kpi}: per client, leads in the table, the month's (or month-to-date) counts, Email Bison's statistic. */
@Command(name = "kpi", mixinStandardHelpOptions = true,
        header = "Per client: leads in the table and the month's counts.",
        description = {"Per client: leads in the table, the month's counts (month to date for the current month)",
                "in the table and in Email Bison, and Email Bison's own 'interested' statistic (it counts replies).",
                "Printed as a table (--json: the KPI JSON instead); --out DIR also writes kpi-YYYY-MM.csv and",
                "kpi-YYYY-MM.json (stable columns: the CSVs of several months concatenate under one header);",
                "--save appends the rows to the client_kpi_runs table; --html FILE writes a page with charts.",
                "Exit 0, or 1 when a client could not be counted, 2 on a config or usage error."})
final class KpiCommand implements Callable<Integer> {
    /** Default earlier months charted beside the month in {@code --html}: {@value}. */
    static final int DEFAULT_HISTORY_MONTHS = 5;

    @ParentCommand
    BisonBackfillCli cli;

    @Mixin
    BisonBackfillCli.ConfigOption config;

    @Option(names = "--month", paramLabel = "YYYY-MM", description = "the month (default: the current one, to date)")
    String month;

    @Option(names = "--zone", paramLabel = "ZONE", description = "time zone of the month's bounds (default: run.time_zone, else UTC)")
    String zone;

    @Option(names = "--client", paramLabel = "NAME", description = "only this client (repeatable)")
    List<String> clients = List.of();

    @Option(names = "--out", paramLabel = "DIR", description = "also write kpi-YYYY-MM.csv and kpi-YYYY-MM.json into DIR")
    Path outDir;

    @Option(names = "--json", description = "print one JSON document on standard output (the CLI's envelope, schemaVersion 1,"
            + " its result the KPI document {\"schemaVersion\": 1, \"kind\": \"kpi\", \"rows\": [...]}); the table then goes to"
            + " standard error")
    boolean json;

    @Option(names = "--save", description = "append the rows to the table " + ClientLeadsSchema.KPI_RUNS_TABLE
            + " (created by the schema script), one KPI run id for all of them")
    boolean save;

    @Option(names = "--html", paramLabel = "FILE", description = "write a self-contained HTML page: per client the month"
            + " against the earlier months as bars, Email Bison's figures beside the table's, mismatches highlighted")
    Path htmlFile;

    @Option(names = "--history", paramLabel = "MONTHS", description = "earlier months charted in --html (default: "
            + DEFAULT_HISTORY_MONTHS + ")")
    int history = DEFAULT_HISTORY_MONTHS;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        BackfillConfig cfg = config.load(cli);
        ZoneId z = cfg.run().timeZone();
        if (zone != null) {
            try {
                z = ZoneId.of(zone);
            } catch (DateTimeException e) {
                throw new CommandLine.ParameterException(cli.spec.commandLine(), "--zone: \"" + zone + "\" is not a time zone");
            }
        }
        if (history < 0 || history > 36) {
            throw new CommandLine.ParameterException(cli.spec.commandLine(), "--history: " + history + " is not 0..36");
        }
        YearMonth current = YearMonth.now(clock.withZone(z));
        YearMonth ym = current;
        if (month != null) {
            try {
                ym = YearMonth.parse(month);
            } catch (DateTimeParseException e) {
                throw new CommandLine.ParameterException(cli.spec.commandLine(), "--month: \"" + month + "\" is not YYYY-MM");
            }
            if (ym.isAfter(current)) {
                throw new CommandLine.ParameterException(cli.spec.commandLine(), "--month: " + ym + " is in the future");
            }
        }
        boolean toDate = ym.equals(current);
        BillingWindow window = toDate ? BillingWindow.monthToDate(clock, z) : BillingWindow.month(ym, z);
        try (Wiring wiring = new Wiring(cfg, cli.env)) {
            List<BackfillConfig.Client> selected = BackfillCommand.selected(cli, wiring, cfg, clients);
            SupabaseWriter writer = wiring.writer();
            String table = cfg.supabase().table();
            BillingReport billing = wiring.orchestrator(selected, null).billing(Wiring.plan(selected), List.of(window));
            String label = ym + (toDate ? " to date" : "");
            TextTable t = new TextTable("client", "instance", ">leads in table", ">rows " + label,
                    ">EB leads " + label, ">EB interested replies", ">EB interested stat", "note");
            List<KpiRow> rows = new ArrayList<>();
            boolean allCounted = true;
            for (BackfillConfig.Client c : selected) {
                ClientBilling cb = billing.client(c.name());
                BillingCounts counts = cb == null || cb.counts().isEmpty() ? null : cb.counts().get(0);
                ErrorInfo error = cb == null ? null : cb.error();
                Long total = null;
                try {
                    total = writer.count(table, Filter.eq("workspace_name", c.name()));
                } catch (RuntimeException e) {
                    error = error != null ? error : ErrorInfo.from(e);
                }
                KpiRow row = KpiRow.of(counts, window, new ClientKey(c.instance(), c.workspaceId(), c.name()), total, error);
                allCounted &= counts != null && total != null;
                rows.add(row);
                t.row(c.name(), c.instance(), row.leads(), row.rowsInWindow(), row.ebUniqueLeads(), row.ebReplies(),
                        row.ebInterestedStat(), row.error() == null ? "" : "ERROR " + row.error());
            }
            KpiReport report = KpiReport.of(rows);
            // With --json, standard output holds the JSON document alone: the table and other news go to
            // standard error.
            java.io.PrintStream news = json ? cli.err : cli.out;
            news.println("KPIs for " + label + " (" + z.getId() + ": " + window.start() + " .. " + window.end() + ")");
            t.print(news);
            if (outDir != null) {
                write(outDir.resolve("kpi-" + ym + ".csv"), report.toCsv());
                write(outDir.resolve("kpi-" + ym + ".json"), report.toJson() + "\n");
                news.println("written: " + outDir.resolve("kpi-" + ym + ".csv") + ", " + outDir.resolve("kpi-" + ym + ".json"));
            }
            if (save) {
                UUID runId = UUID.randomUUID();
                UpsertResult saved = writer.insert(ClientLeadsSchema.KPI_RUNS_TABLE, kpiRunRows(runId, rows));
                if (!saved.rejected().isEmpty()) {
                    throw new IllegalStateException(ClientLeadsSchema.KPI_RUNS_TABLE + " refused " + saved.rejected().size()
                            + " row(s): " + saved.rejected().get(0).error().message()
                            + " (run the schema script again: bison-backfill schema)");
                }
                news.println("saved: " + saved.rowsAcknowledged() + " row(s) to " + ClientLeadsSchema.KPI_RUNS_TABLE
                        + ", kpi_run_id " + runId);
            }
            if (htmlFile != null) {
                write(htmlFile, HtmlReports.kpiPage(rows, history(writer, table, selected, ym, z)));
                news.println("written: " + htmlFile);
            }
            int exit = allCounted ? BisonBackfillCli.EXIT_OK : BisonBackfillCli.EXIT_FAILURES;
            if (json) {
                // The CLI's envelope around the KPI document (the content of kpi-YYYY-MM.json).
                try {
                    cli.out.print(JsonOutput.envelope("kpi", exit, JsonOutput.MAPPER.readTree(report.toJson()), cli.clock));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new UncheckedIOException(e);
                }
                cli.out.flush();
            }
            return exit;
        }
    }

    /** The rows as {@code client_kpi_runs} records: the CSV's columns plus the KPI run id. */
    static List<Map<String, Object>> kpiRunRows(UUID runId, List<KpiRow> rows) {
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (KpiRow r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kpi_run_id", runId.toString());
            m.put("month", r.month().toString());
            m.put("zone", r.zone().getId());
            m.put("window_start", r.windowStart().toString());
            m.put("window_end", r.windowEnd().toString());
            m.put("instance", r.instance());
            m.put("workspace_id", r.workspaceId());
            m.put("client", r.client());
            m.put("leads", r.leads());
            m.put("rows_in_window", r.rowsInWindow());
            m.put("eb_unique_leads", r.ebUniqueLeads());
            m.put("eb_replies", r.ebReplies());
            m.put("eb_interested_stat", r.ebInterestedStat());
            m.put("error", r.error());
            out.add(m);
        }
        return out;
    }

    /** Per client, its rows in each of the {@code history} months before {@code ym}, oldest first. */
    private Map<String, List<HtmlReports.MonthCount>> history(SupabaseWriter writer, String table,
                                                               List<BackfillConfig.Client> selected, YearMonth ym, ZoneId z) {
        Map<String, List<HtmlReports.MonthCount>> out = new LinkedHashMap<>();
        for (BackfillConfig.Client c : selected) {
            List<HtmlReports.MonthCount> months = new ArrayList<>();
            for (int i = history; i >= 1; i--) {
                BillingWindow w = BillingWindow.month(ym.minusMonths(i), z);
                Long n;
                try {
                    n = writer.count(table, Filter.eq("workspace_name", c.name()), Filter.gte("date_received", w.start()),
                            Filter.lt("date_received", w.end()));
                } catch (RuntimeException e) {
                    n = null; // shown as "not counted"; the month's own row carries the error when Supabase is down
                }
                months.add(new HtmlReports.MonthCount(w.month(), n));
            }
            out.put(c.name(), months);
        }
        return out;
    }

    private static void write(Path file, String content) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
