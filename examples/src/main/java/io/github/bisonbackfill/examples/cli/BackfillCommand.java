package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.core.BackfillOrchestrator;
import io.github.bisonbackfill.core.BackfillReport;
import io.github.bisonbackfill.core.ClientReport;
import io.github.bisonbackfill.core.ConsoleProgressRenderer;
import io.github.bisonbackfill.core.RunOptions;
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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code backfill}: copies all configured clients (or some) into the table, with live progress. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Copies the interested leads of all configured clients (or --client ones) into the table.",
                "Exit 0 when every client completed, 1 when one failed (re-run with --resume), 2 on a config error."})
final class BackfillCommand implements Callable<Integer> {
    @ParentCommand
    BisonBackfillCli cli;

    @Mixin
    BisonBackfillCli.ConfigOption config;

    @Option(names = "--client", paramLabel = "NAME", description = "only this client (repeatable); joins the current run")
    List<String> clients = List.of();

    @Option(names = "--dry-run", description = "read, deduplicate and map, but write nothing")
    boolean dryRun;

    @Option(names = "--resume", description = "skip the clients completed in the last run (needs run.checkpoint_file)")
    boolean resume;

    @Option(names = "--report", paramLabel = "FILE", description = "also write the report as JSON to FILE")
    Path reportFile;

    @Override
    public Integer call() {
        BackfillConfig cfg = config.load();
        try (Wiring wiring = new Wiring(cfg, cli.env)) {
            List<BackfillConfig.Client> selected = selected(cli, wiring, cfg, clients);
            if (resume && cfg.run().checkpointFile() == null) {
                cli.err.println("warning: --resume without run.checkpoint_file: checkpoints are in memory, nothing to resume");
            }
            BackfillOrchestrator orchestrator = wiring.orchestrator(selected,
                    ConsoleProgressRenderer.builder().out(cli.out).build());
            BackfillReport report = orchestrator.run(Wiring.plan(selected), runOptions(selected));
            printSummary(cli.out, report);
            if (reportFile != null) {
                try {
                    Files.writeString(reportFile, report.toJson());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the report to " + reportFile + ": " + e.getMessage(), e);
                }
            }
            if (!report.succeeded()) {
                cli.err.println(report.count(io.github.bisonbackfill.core.ClientOutcome.FAILED) + " client(s) failed"
                        + (cfg.run().checkpointFile() != null ? ": fix the cause and run again with --resume" : ""));
                return BisonBackfillCli.EXIT_FAILURES;
            }
            return BisonBackfillCli.EXIT_OK;
        }
    }

    /**
     * The run's options. The catch-up mode ({@code --since-last}) adds its settings here.
     */
    RunOptions runOptions(List<BackfillConfig.Client> selected) {
        RunOptions.Builder b = RunOptions.builder().dryRun(dryRun).resume(resume);
        if (!clients.isEmpty()) {
            selected.forEach(c -> b.client(c.name()));
        }
        return b.build();
    }

    /** The configured clients named on the command line (all when none is named); unknown names are a usage error. */
    static List<BackfillConfig.Client> selected(BisonBackfillCli cli, Wiring wiring, BackfillConfig cfg, List<String> names) {
        for (String n : names) {
            if (cfg.clients().stream().noneMatch(c -> c.name().equals(n))) {
                throw new CommandLine.ParameterException(cli.spec.commandLine(), "--client: no client named \"" + n
                        + "\" in the config (names: " + String.join(", ", cfg.clients().stream().map(BackfillConfig.Client::name).toList()) + ")");
            }
        }
        return wiring.select(names);
    }

    /** One line per client and a total line. */
    static void printSummary(PrintStream out, BackfillReport report) {
        TextTable t = new TextTable("client", "instance", "key mode", ">pages", ">interested", ">leads", ">written",
                ">rejected", ">violations", "outcome");
        for (ClientReport c : report.clients()) {
            t.row(c.client().clientName(), c.client().instance(),
                    c.scan() == null ? null : c.scan().keyMode().name().toLowerCase(Locale.ROOT),
                    c.scan() == null ? null : c.scan().pagesRead(), c.scan() == null ? null : c.scan().interestedReplies(),
                    c.dedup() == null ? null : c.dedup().uniqueLeads(), c.write() == null ? null : c.write().rowsWritten(),
                    c.rejectedTotal(),
                    c.scan() == null ? null : c.scan().violationsDetected() + "/" + c.scan().violationsRecovered(),
                    c.outcome());
        }
        out.println();
        out.println("Backfill report (run " + report.runId() + (report.dryRun() ? ", dry run" : "") + ", "
                + String.format(Locale.ROOT, "%.1f s", report.duration().toMillis() / 1000.0) + ")");
        t.print(out);
        out.println("total: " + report.clients().size() + " clients, " + report.totalRowsWritten() + " rows written; "
                + "violations = workspace-context violations detected/recovered");
    }
}
