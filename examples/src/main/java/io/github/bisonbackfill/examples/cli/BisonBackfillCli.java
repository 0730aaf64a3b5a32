package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.core.ErrorInfo;
import io.github.bisonbackfill.examples.webhook.WebhookServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The {@code bison-backfill} command line: {@code demo}, {@code backfill}, {@code verify},
 * {@code kpi}, {@code mint-keys}, {@code webhook-server}, {@code schema}. Every command except
 * {@code demo} and {@code schema} reads one config file ({@code --config FILE}, JSON or YAML, see
 * {@link ConfigLoader}) and takes secrets from environment variables named there.
 *
 * <pre>
 * java -jar examples/target/bison-backfill-examples.jar backfill --config backfill.yaml
 * </pre>
 *
 * <p>Exit codes: {@value #EXIT_OK} ok; {@value #EXIT_FAILURES} a client failed, a reconciliation
 * mismatch, or an error while running; {@value #EXIT_USAGE} a usage or configuration error.
 *
 * <p>The environment and the output streams are injected, so that tests (and embedding programs)
 * run commands in-process without touching the real environment. Not thread-safe: one execution at
 * a time per instance.
 */
@Command(name = "bison-backfill", mixinStandardHelpOptions = true, version = "bison-backfill 0.1.0-SNAPSHOT",
        description = "Copies the interested leads of Email Bison workspaces into a Supabase table, workspace-safe.",
        subcommands = {DemoCommand.class, BackfillCommand.class, VerifyCommand.class, KpiCommand.class,
                MintKeysCommand.class, WebhookServerCommand.class, SchemaCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:a client failed, a reconciliation mismatch, or an error while running",
                "2:usage or configuration error"})
public final class BisonBackfillCli implements Runnable {
    /** Exit status: everything went well. */
    public static final int EXIT_OK = 0;
    /** Exit status: a client failed, a reconciliation mismatch, or a runtime error (Supabase down...). */
    public static final int EXIT_FAILURES = 1;
    /** Exit status: bad command line or configuration (the message names the option or field). */
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    final Map<String, String> env;
    final PrintStream out;
    final PrintStream err;
    Consumer<WebhookServer> webhookStarted = s -> { };

    /**
     * @param env the environment secrets are read from ({@code System.getenv()} for the real program)
     * @param out standard output (results, tables, progress)
     * @param err standard error (diagnostics)
     */
    public BisonBackfillCli(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    /**
     * Runs the program with the process environment and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(new BisonBackfillCli(System.getenv(), System.out, System.err).execute(args));
    }

    /**
     * Runs one command line.
     *
     * @param args the command line
     * @return the exit status ({@link #EXIT_OK}, {@link #EXIT_FAILURES}, {@link #EXIT_USAGE})
     */
    public int execute(String... args) {
        return commandLine().execute(args);
    }

    /**
     * @param onStarted called with the running server by {@code webhook-server} (tests use it to stop the server)
     * @return this
     */
    BisonBackfillCli onWebhookServerStarted(Consumer<WebhookServer> onStarted) {
        this.webhookStarted = Objects.requireNonNull(onStarted);
        return this;
    }

    /** @return a picocli command line bound to this instance's environment and streams */
    public CommandLine commandLine() {
        CommandLine cl = new CommandLine(this);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                err.println("config error: " + e.getMessage());
                return EXIT_USAGE;
            }
            if (e instanceof CommandLine.ParameterException pe) {
                throw pe;
            }
            ErrorInfo info = ErrorInfo.from(e);
            err.println("error: " + info.type() + ": " + info.message());
            return EXIT_FAILURES;
        });
        return cl;
    }

    /** Without a command: usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: run with --help to list them");
    }

    /** The {@code --config FILE} option shared by the commands that read one. */
    static final class ConfigOption {
        @CommandLine.Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
                description = "the configuration file (.json, .yaml or .yml)")
        Path file;

        BackfillConfig load() {
            return ConfigLoader.load(file);
        }
    }
}
