package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.examples.demo.Demo;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.concurrent.Callable;

/** {@code demo}: the one-command demo ({@link Demo}) against the Supabase REST named by the environment. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Runs the demo: the race, the backfill and the seed.",
        description = {"Runs the demo: an in-process Email Bison simulator (24 clients, 2 instances, the workspace race",
                "switched on), the full backfill with live progress, the report, reconciliation and month-to-date counts,",
                "and what the production seed's procedure writes on the same data. Needs SUPABASE_REST_URL (or",
                "SUPABASE_URL) and SUPABASE_SERVICE_ROLE_KEY, and both tables created (see the schema command);",
                "./scripts/demo.sh does all of it. Exit 0 when every client is exact and reconciled, else 1."})
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    BisonBackfillCli cli;

    @Option(names = "--clients", paramLabel = "N", description = "clients, 2..24 (default: ${DEFAULT-VALUE})")
    int clients = Demo.Settings.MAX_CLIENTS;

    @Option(names = "--max-interested", paramLabel = "N", description = "interested replies of the largest workspace (default: ${DEFAULT-VALUE})")
    int maxInterested = Demo.Settings.defaults().maxInterested();

    @Option(names = "--table", paramLabel = "NAME", description = "the library's table (default: ${DEFAULT-VALUE})")
    String table = Demo.Settings.defaults().table();

    @Option(names = "--seed-table", paramLabel = "NAME", description = "the seed procedure's table (default: ${DEFAULT-VALUE})")
    String seedTable = Demo.Settings.defaults().seedTable();

    @Option(names = "--zone", paramLabel = "ZONE", description = "time zone of the month-to-date counts (default: UTC)")
    String zone = "UTC";

    @Option(names = "--seed-time-scale", paramLabel = "F", description = "factor on the seed's sleeps (default: ${DEFAULT-VALUE})")
    double seedTimeScale = Demo.Settings.defaults().seedTimeScale();

    @Override
    public Integer call() {
        Demo.Settings defaults = Demo.Settings.defaults();
        Demo.Settings settings;
        try {
            settings = defaults.withTables(table, seedTable).withZone(ZoneId.of(zone))
                    .withSize(clients, Math.min(defaults.minInterested(), maxInterested), maxInterested, defaults.otherReplies())
                    .withSeedTimeScale(seedTimeScale);
        } catch (DateTimeException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli.spec.commandLine(), e.getMessage());
        }
        SupabaseWriter.Builder b = SupabaseWriter.builder().apiKey(Wiring.secret(cli.env, "demo",
                "SUPABASE_SERVICE_ROLE_KEY", "run ./scripts/demo.sh, or eval \"$(scripts/local-supabase.sh start)\" first"));
        String projectUrl = cli.env.get("SUPABASE_URL");
        if (projectUrl != null && !projectUrl.isBlank()) {
            b.projectUrl(projectUrl);
        } else {
            b.restUrl(Wiring.secret(cli.env, "demo", "SUPABASE_REST_URL",
                    "run ./scripts/demo.sh, or eval \"$(scripts/local-supabase.sh start)\" first"));
        }
        try (SupabaseWriter writer = b.build()) {
            Demo.Result r = Demo.run(settings, writer, cli.out);
            boolean ok = r.correctClients() == r.clients().size() && r.report().succeeded();
            return ok ? BisonBackfillCli.EXIT_OK : BisonBackfillCli.EXIT_FAILURES;
        }
    }
}
