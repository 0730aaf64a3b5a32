package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.core.ClientReconciliation;
import io.github.bisonbackfill.core.ReconciliationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code verify}: per client, a fresh scan's distinct interested emails against the table's rows. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        header = "Reconciles Email Bison's leads with the table's rows.",
        description = {"Reconciles every configured client (or --client ones): Email Bison's distinct interested",
                "leads (a fresh scan) against the rows in the table, with zero tolerance.",
                "Exit 0 when all match, 1 on any mismatch or a client that could not be checked, 2 on a config error."})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    BisonBackfillCli cli;

    @Mixin
    BisonBackfillCli.ConfigOption config;

    @Option(names = "--client", paramLabel = "NAME", description = "only this client (repeatable)")
    List<String> clients = List.of();

    @Option(names = "--json", description = "print the reconciliation as one JSON document on standard output"
            + " (schemaVersion 1, camelCase keys; see docs/examples.md) instead of the table")
    boolean json;

    @Override
    public Integer call() {
        BackfillConfig cfg = config.load(cli);
        try (Wiring wiring = new Wiring(cfg, cli.env)) {
            List<BackfillConfig.Client> selected = BackfillCommand.selected(cli, wiring, cfg, clients);
            ReconciliationReport report = wiring.orchestrator(selected, null).reconcile(Wiring.plan(selected));
            int exit = report.allMatch() ? BisonBackfillCli.EXIT_OK : BisonBackfillCli.EXIT_FAILURES;
            if (json) {
                cli.out.print(JsonOutput.envelope("verify", exit, jsonResult(report), cli.clock));
                cli.out.flush();
            } else {
                print(cli, report);
            }
            return exit;
        }
    }

    /** The report with each client's verdict and difference spelled out (they are methods, not fields). */
    static Map<String, Object> jsonResult(ReconciliationReport report) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ClientReconciliation c : report.clients()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("client", c.client().clientName());
            m.put("instance", c.client().instance());
            m.put("workspaceId", c.client().workspaceId());
            var r = c.reconciliation();
            m.put("status", r == null ? "ERROR" : c.matches() ? "OK" : "MISMATCH");
            m.put("bisonDistinctEmails", r == null ? null : r.bisonDistinctEmails());
            m.put("supabaseRows", r == null ? null : r.supabaseRows());
            m.put("difference", r == null ? null : r.difference());
            m.put("bisonInterestedStat", r == null ? null : r.bisonInterestedStat());
            m.put("error", c.error());
            rows.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("checkedAt", report.checkedAt());
        out.put("allMatch", report.allMatch());
        out.put("mismatches", report.mismatches().size());
        out.put("clients", rows);
        return out;
    }

    static TextTable table(ReconciliationReport report) {
        TextTable t = new TextTable("client", "instance", ">Email Bison leads", ">Supabase rows", ">difference",
                ">EB interested stat", "status");
        for (ClientReconciliation c : report.clients()) {
            var r = c.reconciliation();
            t.row(c.client().clientName(), c.client().instance(), r == null ? null : r.bisonDistinctEmails(),
                    r == null ? null : r.supabaseRows(), r == null ? null : r.difference(),
                    r == null ? null : r.bisonInterestedStat(),
                    r == null ? "ERROR " + c.error().type().replaceAll(".*\\.", "") + ": " + c.error().message()
                            : c.matches() ? "OK" : "MISMATCH");
        }
        return t;
    }

    static void print(BisonBackfillCli cli, ReconciliationReport report) {
        cli.out.println("Reconciliation (" + report.checkedAt() + "): Email Bison distinct interested leads vs rows");
        table(report).print(cli.out);
        int bad = report.mismatches().size();
        cli.out.println(bad == 0 ? "all " + report.clients().size() + " clients match"
                : bad + " of " + report.clients().size() + " clients do not match (EB interested stat counts replies, not leads: informational)");
    }
}
