package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.MintedKey;
import io.github.bisonbackfill.core.ErrorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code mint-keys}: creates an api-user key per configured workspace with the super-admin key (no
 * workspace switching) and prints {@code export VAR='key'} lines named after the clients'
 * {@code api_key_env}, once. Everything else goes to standard error, so
 * {@code bison-backfill mint-keys -c cfg.yaml > keys.env} captures only the keys.
 */
@Command(name = "mint-keys", mixinStandardHelpOptions = true,
        header = "Creates an api-user key per configured workspace.",
        description = {"Creates an api-user key for each configured client that has an api_key_env, using the",
                "instance's super-admin key (no workspace switching), and prints 'export VAR=...' lines once:",
                "store them (e.g. in your secret manager); later runs then read each workspace with its own key.",
                "Clients whose variable is already set are skipped unless --force.",
                "Exit 0, 1 when a key could not be created, 2 on a config error."})
final class MintKeysCommand implements Callable<Integer> {
    /** Default name of the created keys (shown in Email Bison's settings): {@value}. */
    static final String DEFAULT_KEY_NAME = "bison-backfill";

    @ParentCommand
    BisonBackfillCli cli;

    @Mixin
    BisonBackfillCli.ConfigOption config;

    @Option(names = "--client", paramLabel = "NAME", description = "only this client (repeatable)")
    List<String> clients = List.of();

    @Option(names = "--name", paramLabel = "KEY_NAME", description = "name of the created keys (default: ${DEFAULT-VALUE})")
    String keyName = DEFAULT_KEY_NAME;

    @Option(names = "--force", description = "also mint for clients whose variable is already set")
    boolean force;

    @Override
    public Integer call() {
        BackfillConfig cfg = config.load(cli);
        try (Wiring wiring = new Wiring(cfg, cli.env)) {
            List<BackfillConfig.Client> todo = new ArrayList<>();
            for (BackfillConfig.Client c : BackfillCommand.selected(cli, wiring, cfg, clients)) {
                if (c.apiKeyEnv() == null) {
                    cli.err.println("skipped " + c.path() + " (" + c.name() + "): no api_key_env in the config;"
                            + " add one (e.g. BISON_KEY_" + c.workspaceId() + ") to give it its own key");
                } else if (!force && cli.env.get(c.apiKeyEnv()) != null && !cli.env.get(c.apiKeyEnv()).isBlank()) {
                    cli.err.println("skipped " + c.path() + " (" + c.name() + "): " + c.apiKeyEnv() + " is already set (--force to replace it)");
                } else {
                    todo.add(c);
                }
            }
            if (todo.isEmpty()) {
                cli.err.println("no key to create");
                return BisonBackfillCli.EXIT_OK;
            }
            Map<String, BisonClient> bison = wiring.bisonClients(todo, true);
            int failed = 0;
            for (BackfillConfig.Client c : todo) {
                try {
                    MintedKey key = bison.get(c.instance()).mintApiUserKey(c.workspaceId(), keyName);
                    cli.out.println("export " + c.apiKeyEnv() + "=" + shellQuote(key.token()));
                    cli.err.println("created key " + key.id() + " \"" + key.name() + "\" for " + c.instance() + "/"
                            + c.workspaceId() + " (" + c.name() + ")");
                } catch (RuntimeException e) {
                    failed++;
                    ErrorInfo info = ErrorInfo.from(e);
                    cli.err.println("FAILED " + c.instance() + "/" + c.workspaceId() + " (" + c.name() + "): "
                            + info.type() + ": " + info.message());
                }
            }
            cli.err.println((todo.size() - failed) + " key(s) created, shown once: store them now");
            return failed == 0 ? BisonBackfillCli.EXIT_OK : BisonBackfillCli.EXIT_FAILURES;
        }
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }
}
