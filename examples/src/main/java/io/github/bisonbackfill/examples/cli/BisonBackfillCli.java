package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.core.ErrorInfo;
import io.github.bisonbackfill.examples.webhook.WebhookServer;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The {@code bison-backfill} command line: {@code demo}, {@code backfill}, {@code verify},
 * {@code kpi}, {@code mint-keys}, {@code webhook-server}, {@code schema}, {@code generate-completion}.
 * Every command except {@code demo} and {@code schema} reads one config file ({@code --config FILE},
 * else {@value #CONFIG_ENV}, else {@value #DEFAULT_CONFIG_FILE}; JSON or YAML, see
 * {@link ConfigLoader}) and takes secrets from environment variables named there. Results go to
 * standard output ({@code --json}: one document, see {@code JsonOutput}), progress and logs to
 * standard error.
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
@Command(name = "bison-backfill", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        description = {"Copies the interested leads of Email Bison workspaces into a Supabase table, workspace-safe.",
                "Results go to standard output (--json: one JSON document), progress and logs to standard error.",
                "The config file: --config FILE, else $" + BisonBackfillCli.CONFIG_ENV + ", else ./"
                        + BisonBackfillCli.DEFAULT_CONFIG_FILE + "."},
        subcommands = {DemoCommand.class, BackfillCommand.class, VerifyCommand.class, KpiCommand.class,
                MintKeysCommand.class, WebhookServerCommand.class, SchemaCommand.class,
                AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class},
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
    /** The environment variable naming the config file when {@code --config} is not given: {@value}. */
    public static final String CONFIG_ENV = "BISON_BACKFILL_CONFIG";
    /** The config file used, in the working directory, when neither {@code --config} nor {@value #CONFIG_ENV} is given: {@value}. */
    public static final String DEFAULT_CONFIG_FILE = "bison-backfill.yaml";

    @Spec
    CommandSpec spec;

    final Map<String, String> env;
    final PrintStream out;
    final PrintStream err;
    Consumer<WebhookServer> webhookStarted = s -> { };
    /** The directory {@link #DEFAULT_CONFIG_FILE} is looked up in (tests set it). */
    Path workingDir = Path.of("").toAbsolutePath();
    /** The clock of JSON documents and progress time stamps (tests set it). */
    Clock clock = Clock.systemUTC();

    /**
     * @param env the environment secrets are read from ({@code System.getenv()} for the real program)
     * @param out standard output (results: tables, JSON documents, exported keys, SQL)
     * @param err standard error (progress, warnings, diagnostics)
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
        // Listed in --help: `source <(bison-backfill generate-completion)` gives bash/zsh completion.
        CommandLine completion = cl.getSubcommands().get("generate-completion");
        if (completion != null) {
            completion.getCommandSpec().usageMessage().hidden(false);
        }
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

    /**
     * The {@code --config FILE} option shared by the commands that read one. Without it, the file
     * named by {@value #CONFIG_ENV}, else {@value #DEFAULT_CONFIG_FILE} in the working directory.
     */
    static final class ConfigOption {
        @CommandLine.Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "the configuration file (.json, .yaml or .yml); default: $" + CONFIG_ENV + ", else ./"
                        + DEFAULT_CONFIG_FILE)
        Path file;

        BackfillConfig load(BisonBackfillCli cli) {
            return ConfigLoader.load(resolve(cli));
        }

        /**
         * @return the config file to read
         * @throws ConfigException when none is given and the default file does not exist
         */
        Path resolve(BisonBackfillCli cli) {
            if (file != null) {
                return file;
            }
            String fromEnv = cli.env.get(CONFIG_ENV);
            if (fromEnv != null && !fromEnv.isBlank()) {
                return cli.workingDir.resolve(fromEnv.strip());
            }
            Path dflt = cli.workingDir.resolve(DEFAULT_CONFIG_FILE);
            if (Files.isRegularFile(dflt)) {
                return dflt;
            }
            throw new ConfigException(null, "no config file: pass --config FILE, set " + CONFIG_ENV
                    + ", or create " + dflt);
        }
    }
}
