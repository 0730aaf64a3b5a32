package io.github.bisonbackfill.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.bisonbackfill.core.BillingCounts;
import io.github.bisonbackfill.core.BillingReport;
import io.github.bisonbackfill.core.BillingWindow;
import io.github.bisonbackfill.core.ClientBilling;
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
import java.util.concurrent.Callable;

/** {@code kpi}: per client, leads in the table, the month's (or month-to-date) counts, Email Bison's statistic. */
@Command(name = "kpi", mixinStandardHelpOptions = true,
        header = "Per client: leads in the table and the month's counts.",
        description = {"Per client: leads in the table, the month's counts (month to date for the current month)",
                "in the table and in Email Bison, and Email Bison's own 'interested' statistic (it counts replies).",
                "Printed as a table; --out DIR also writes kpi-YYYY-MM.csv and kpi-YYYY-MM.json.",
                "Exit 0, or 1 when a client could not be counted, 2 on a config or usage error."})
final class KpiCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

    @Option(names = "--json", description = "print the KPIs as one JSON document on standard output (schemaVersion 1,"
            + " camelCase keys; see docs/examples.md); the table then goes to standard error")
    boolean jsonOutput;

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
            BillingReport billing = wiring.orchestrator(selected, null).billing(Wiring.plan(selected), List.of(window));
            String label = ym + (toDate ? " to date" : "");
            TextTable t = new TextTable("client", "instance", ">leads in table", ">rows " + label,
                    ">EB leads " + label, ">EB interested replies", ">EB interested stat", "note");
            List<Map<String, Object>> json = new ArrayList<>();
            boolean allCounted = true;
            for (BackfillConfig.Client c : selected) {
                long total = writer.count(cfg.supabase().table(), Filter.eq("workspace_name", c.name()));
                ClientBilling cb = billing.client(c.name());
                BillingCounts counts = cb == null || cb.counts().isEmpty() ? null : cb.counts().get(0);
                String note = cb != null && cb.error() != null ? "ERROR " + cb.error().message() : "";
                allCounted &= counts != null;
                t.row(c.name(), c.instance(), total, counts == null ? null : counts.supabaseRows(),
                        counts == null ? null : counts.bisonUniqueLeads(), counts == null ? null : counts.bisonInterestedReplies(),
                        counts == null ? null : counts.bisonInterestedStat(), note);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("client", c.name());
                m.put("instance", c.instance());
                m.put("workspace_id", c.workspaceId());
                m.put("leads_in_table", total);
                m.put("month", ym.toString());
                m.put("month_to_date", toDate);
                m.put("zone", z.getId());
                m.put("window_start", window.start().toString());
                m.put("window_end", window.end().toString());
                m.put("rows_in_window", counts == null ? null : counts.supabaseRows());
                m.put("bison_unique_leads_in_window", counts == null ? null : counts.bisonUniqueLeads());
                m.put("bison_interested_replies_in_window", counts == null ? null : counts.bisonInterestedReplies());
                m.put("bison_interested_stat", counts == null ? null : counts.bisonInterestedStat());
                m.put("error", cb != null && cb.error() != null ? cb.error().message() : null);
                json.add(m);
            }
            PrintStream text = jsonOutput ? cli.err : cli.out;
            text.println("KPIs for " + label + " (" + z.getId() + ": " + window.start() + " .. " + window.end() + ")");
            t.print(text);
            if (outDir != null) {
                write(outDir, "kpi-" + ym + ".csv", t.toCsv());
                try {
                    write(outDir, "kpi-" + ym + ".json", JSON.writeValueAsString(json) + "\n");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                text.println("written: " + outDir.resolve("kpi-" + ym + ".csv") + ", " + outDir.resolve("kpi-" + ym + ".json"));
            }
            int exit = allCounted ? BisonBackfillCli.EXIT_OK : BisonBackfillCli.EXIT_FAILURES;
            if (jsonOutput) {
                // The same rows as kpi-YYYY-MM.json, keys in camelCase like every --json document.
                cli.out.print(JsonOutput.envelope("kpi", exit, Map.of("clients", json), cli.clock));
                cli.out.flush();
            }
            return exit;
        }
    }

    private static void write(Path dir, String name, String content) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }
}
