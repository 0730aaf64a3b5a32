package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.core.ClientReconciliation;
import io.github.bisonbackfill.core.ReconciliationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code verify}: per client, a fresh scan's distinct interested emails against the table's rows. */
@Command(name = "verify", mixinStandardHelpOptions = true,
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

    @Override
    public Integer call() {
        BackfillConfig cfg = config.load();
        try (Wiring wiring = new Wiring(cfg, cli.env)) {
            List<BackfillConfig.Client> selected = BackfillCommand.selected(cli, wiring, cfg, clients);
            ReconciliationReport report = wiring.orchestrator(selected, null).reconcile(Wiring.plan(selected));
            print(cli, report);
            return report.allMatch() ? BisonBackfillCli.EXIT_OK : BisonBackfillCli.EXIT_FAILURES;
        }
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
