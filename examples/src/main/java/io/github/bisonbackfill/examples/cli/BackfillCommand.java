package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.bison.KeyMode;
import io.github.bisonbackfill.core.BackfillOrchestrator;
import io.github.bisonbackfill.core.BackfillReport;
import io.github.bisonbackfill.core.ClientReport;
import io.github.bisonbackfill.core.ConsoleProgressRenderer;
import io.github.bisonbackfill.core.RunOptions;
import io.github.bisonbackfill.examples.report.HtmlReports;
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
        header = "Copies the configured clients' interested leads.",
        description = {"Copies the interested leads of all configured clients (or --client ones) into the table.",
                "Exit 0 when every client completed, 1 when one failed (re-run with --resume), 2 on a config error."})
final class BackfillCommand implements Callable<Integer> {
    @ParentCommand
    BisonBackfillCli cli;

    @Mixin
    BisonBackfillCli.ConfigOption config;

    @Option(names = "--client", paramLabel = "NAME", description = "only this client (repeatable); joins the current run")
    List<String> clients = List.of();

    @Option(names = "--dry-run", description = "read and deduplicate, but write nothing")
    boolean dryRun;

    @Option(names = "--resume", description = "skip the clients completed in the last run (needs run.checkpoint_file or run.checkpoints: supabase)")
    boolean resume;

    @Option(names = "--force", description = "with run.key_store: replace a stored key that Email Bison rejects (401)"
            + " with a newly minted one")
    boolean force;

    @Option(names = "--report", paramLabel = "FILE", description = "also write the report as JSON to FILE")
    Path reportFile;

    @Option(names = "--json", description = "print the report as one JSON document on standard output (schemaVersion 1,"
            + " camelCase keys; see docs/examples.md); the text summary then goes to standard error")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE", description = "also write a self-contained HTML summary of the run"
            + " (per client: outcome, rows, rejects by reason, violations, duration) to FILE")
    Path htmlFile;

    @Option(names = "--since-last", description = {"catch-up: read each client's newest pages only, down to its high-water"
            + " mark from the last completed run (needs run.checkpoint_file or run.checkpoints: supabase); a client without a mark, or whose pages are"
            + " not newest-first, is scanned fully and the report says so"})
    boolean sinceLast;

    @Option(names = "--catch-up-margin", paramLabel = "IDS", description = "with --since-last: also re-read replies up to"
            + " IDS reply ids below the mark (default: " + RunOptions.DEFAULT_CATCH_UP_MARGIN + ")")
    Long catchUpMargin;

    @Override
    public Integer call() {
        BackfillConfig cfg = config.load(cli);
        try (Wiring wiring = new Wiring(cfg, cli.env).replaceRejectedStoredKeys(force)) {
            List<BackfillConfig.Client> selected = selected(cli, wiring, cfg, clients);
            if (sinceLast && resume) {
                throw new CommandLine.ParameterException(cli.spec.commandLine(),
                        "--since-last and --resume do not go together: a catch-up is a new pass over every client");
            }
            if (catchUpMargin != null && !sinceLast) {
                throw new CommandLine.ParameterException(cli.spec.commandLine(), "--catch-up-margin needs --since-last");
            }
            if (catchUpMargin != null && catchUpMargin < 0) {
                throw new CommandLine.ParameterException(cli.spec.commandLine(), "--catch-up-margin must not be negative");
            }
            if (sinceLast && !cfg.durableCheckpoints()) {
                cli.err.println("warning: --since-last without run.checkpoint_file or run.checkpoints: supabase: no high-water"
                        + " marks are kept between runs, so every client is scanned fully");
            }
            if (resume && !cfg.durableCheckpoints()) {
                cli.err.println("warning: --resume without run.checkpoint_file or run.checkpoints: supabase: checkpoints are"
                        + " in memory, nothing to resume");
            }
            PrintStream progress = TimestampedLines.wrap(cli.err, cli.clock);
            BackfillOrchestrator orchestrator = wiring.orchestrator(selected,
                    ConsoleProgressRenderer.builder().out(progress).build());
            BackfillReport report = orchestrator.run(Wiring.plan(selected), runOptions(selected));
            progress.flush();
            printSummary(json ? cli.err : cli.out, report);
            if (reportFile != null) {
                try {
                    Files.writeString(reportFile, report.toJson());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the report to " + reportFile + ": " + e.getMessage(), e);
                }
            }
            if (htmlFile != null) {
                try {
                    Files.writeString(htmlFile, HtmlReports.runPage(report));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the HTML summary to " + htmlFile + ": " + e.getMessage(), e);
                }
            }
            int exit = report.succeeded() ? BisonBackfillCli.EXIT_OK : BisonBackfillCli.EXIT_FAILURES;
            if (!report.succeeded()) {
                cli.err.println(report.count(io.github.bisonbackfill.core.ClientOutcome.FAILED) + " client(s) failed"
                        + (cfg.durableCheckpoints() ? ": fix the cause and run again with --resume" : ""));
            }
            if (json) {
                cli.out.print(JsonOutput.envelope("backfill", exit, report, cli.clock));
                cli.out.flush();
            }
            return exit;
        }
    }

    /** The run's options from the command line. */
    RunOptions runOptions(List<BackfillConfig.Client> selected) {
        RunOptions.Builder b = RunOptions.builder().dryRun(dryRun).resume(resume).sinceLast(sinceLast);
        if (catchUpMargin != null) {
            b.catchUpMargin(catchUpMargin);
        }
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
        TextTable t = new TextTable("client", "instance", "key mode", "scan", ">pages", ">interested", ">leads",
                ">written", ">rejected", ">violations", ">attempts", "outcome");
        for (ClientReport c : report.clients()) {
            t.row(c.client().clientName(), c.client().instance(),
                    c.scan() == null ? null : keyMode(c.scan().keyMode()),
                    c.scan() == null ? null : c.scan().mode().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    c.scan() == null ? null : c.scan().pagesRead(), c.scan() == null ? null : c.scan().interestedReplies(),
                    c.dedup() == null ? null : c.dedup().uniqueLeads(), c.write() == null ? null : c.write().rowsWritten(),
                    c.rejectedTotal(),
                    c.scan() == null ? null : c.scan().violationsDetected() + "/" + c.scan().violationsRecovered(),
                    c.attempts(), c.outcome());
        }
        out.println();
        out.println("Backfill report (run " + report.runId() + (report.dryRun() ? ", dry run" : "") + ", "
                + String.format(Locale.ROOT, "%.1f s", report.duration().toMillis() / 1000.0) + ")");
        t.print(out);
        out.println("total: " + report.clients().size() + " clients, " + report.totalRowsWritten() + " rows written; "
                + "violations = workspace-context violations detected/recovered");
        long minted = report.clients().stream().filter(c -> c.scan() != null
                && c.scan().keyMode() == KeyMode.MINTED_API_USER_KEY).count();
        if (minted > 0) {
            out.println("key store: " + minted + " api-user key(s) minted in this run (minted key); later runs read"
                    + " those workspaces with them, without switching");
        }
        for (ClientReport c : report.clients()) {
            if (c.attempts() > 1 || c.error() != null) {
                for (int i = 0; i < c.failedAttempts().size(); i++) {
                    out.println("  " + c.client().clientName() + ": attempt " + (i + 1) + " failed ("
                            + (c.failedAttempts().get(i).transientFailure() ? "transient" : "permanent") + "): "
                            + c.failedAttempts().get(i).message());
                }
            }
        }
    }

    /** How a summary names a key mode. */
    static String keyMode(KeyMode mode) {
        return switch (mode) {
            case API_USER_KEY -> "api-user key";
            case STORED_API_USER_KEY -> "stored key";
            case MINTED_API_USER_KEY -> "minted key";
            case SUPER_ADMIN_SWITCHING -> "super-admin";
        };
    }
}
