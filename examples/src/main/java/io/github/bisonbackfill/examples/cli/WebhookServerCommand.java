package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.core.webhook.WebhookHandler;
import io.github.bisonbackfill.examples.webhook.WebhookServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code webhook-server}: the {@link WebhookServer} for every configured client, until stopped. */
@Command(name = "webhook-server", mixinStandardHelpOptions = true,
        header = "Receives lead_interested webhooks into the table.",
        description = {"Receives Email Bison's lead_interested webhooks for the configured clients and writes the",
                "same rows as the backfill. The secret comes from webhook.secret_env. Runs until Ctrl-C.",
                "Plain HTTP on loopback by default: put a TLS reverse proxy in front."})
final class WebhookServerCommand implements Callable<Integer> {
    @ParentCommand
    BisonBackfillCli cli;

    @Mixin
    BisonBackfillCli.ConfigOption config;

    @Option(names = "--port", paramLabel = "N", description = "port (default: ${DEFAULT-VALUE}; 0 = a free one)")
    int port = WebhookServer.DEFAULT_PORT;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "bind address (default: ${DEFAULT-VALUE})")
    String bind = WebhookServer.DEFAULT_BIND_ADDRESS;

    @Option(names = "--path", paramLabel = "PATH", description = "delivery path (default: ${DEFAULT-VALUE})")
    String path = WebhookServer.DEFAULT_PATH;

    @Override
    public Integer call() throws InterruptedException {
        BackfillConfig cfg = config.load(cli);
        try (Wiring wiring = new Wiring(cfg, cli.env)) {
            String secret = Wiring.secret(cli.env, "webhook.secret_env", cfg.webhook().secretEnv(),
                    "the shared secret of the webhook URL, 16+ characters");
            WebhookHandler handler = WebhookHandler.builder()
                    .writer(wiring.writer(WebhookServer.DEFAULT_WRITER_CALL_TIMEOUT)).table(cfg.supabase().table())
                    .secret(secret).workspaces(wiring.sourceWorkspaces()).build();
            try (WebhookServer server = WebhookServer.builder().handler(handler).port(port).bindAddress(bind).path(path).start()) {
                Thread hook = new Thread(server::close, "webhook-server-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                cli.out.println("webhook server listening on " + server.uri() + " for " + cfg.clients().size()
                        + " workspace(s); in Email Bison, per workspace, add a 'Contact Interested' webhook to "
                        + server.uri() + "?" + WebhookServer.SECRET_QUERY_PARAMETER + "=<the secret>");
                cli.webhookStarted.accept(server);
                server.awaitStop();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // The JVM is exiting: the hook is running already.
                }
            }
            cli.out.println("webhook server stopped");
            return BisonBackfillCli.EXIT_OK;
        }
    }
}
