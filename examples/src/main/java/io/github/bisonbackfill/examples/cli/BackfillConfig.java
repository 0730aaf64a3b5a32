package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.core.BackfillOrchestrator;
import io.github.bisonbackfill.core.ClientLeadsSchema;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The CLI's configuration file, as read by {@link ConfigLoader}: Email Bison instances, the clients
 * (workspaces) to copy, the Supabase destination, run settings and the webhook secret. Secrets are
 * never in the file, only the names of the environment variables that hold them.
 *
 * @param instances the Email Bison instances (at least one)
 * @param clients   the clients (at least one), in run order
 * @param supabase  the destination
 * @param run       run settings (defaults when the section is absent)
 * @param webhook   webhook settings (defaults when the section is absent)
 */
public record BackfillConfig(List<Instance> instances, List<Client> clients, Supabase supabase, Run run,
                             Webhook webhook) {
    /** Default environment variable of the Supabase key: {@value}. */
    public static final String DEFAULT_SUPABASE_KEY_ENV = "SUPABASE_SERVICE_ROLE_KEY";
    /** Default environment variable of the webhook secret: {@value}. */
    public static final String DEFAULT_WEBHOOK_SECRET_ENV = "BISON_WEBHOOK_SECRET";
    /** Default time zone of month-to-date counts: UTC. */
    public static final ZoneId DEFAULT_TIME_ZONE = ZoneOffset.UTC;

    /** Immutable copies. */
    public BackfillConfig {
        instances = List.copyOf(instances);
        clients = List.copyOf(clients);
    }

    /**
     * @param name the instance name
     * @return the instance of that name
     */
    public Optional<Instance> instance(String name) {
        return instances.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /**
     * One Email Bison instance.
     *
     * @param index               position in the file (for messages)
     * @param name                the instance name (written to {@code bison_instance}; keep it stable)
     * @param baseUrl             e.g. {@code https://send.agency.example} ({@code /api} is added)
     * @param superAdminKeyEnv    environment variable holding the super-admin key, or {@code null}
     * @param settleDelay         switch settle delay, or {@code null} for the client's default
     * @param requestsPerSecond   client-side rate limit per key, or {@code null} for the default
     * @param maxConcurrentRequests concurrent requests per key, or {@code null} for the default
     * @param allowInsecureHttp   accept {@code http://} for a non-loopback host
     */
    public record Instance(int index, String name, String baseUrl, String superAdminKeyEnv, Duration settleDelay,
                           Double requestsPerSecond, Integer maxConcurrentRequests, boolean allowInsecureHttp) {
        /** @return the field path prefix, e.g. {@code instances[0]} */
        public String path() {
            return "instances[" + index + "]";
        }
    }

    /**
     * One client: an Email Bison workspace.
     *
     * @param index       position in the file (for messages)
     * @param name        the client name, written to {@code workspace_name} (half of the conflict key)
     * @param instance    the instance name
     * @param workspaceId the workspace id on that instance
     * @param apiKeyEnv   environment variable holding the workspace's api-user key, or {@code null}
     *                    (then the instance's super-admin key is used, switching workspaces)
     */
    public record Client(int index, String name, String instance, long workspaceId, String apiKeyEnv) {
        /** @return the field path prefix, e.g. {@code clients[3]} */
        public String path() {
            return "clients[" + index + "]";
        }
    }

    /**
     * The Supabase destination.
     *
     * @param url               the project URL ({@code /rest/v1} is appended), or {@code null}
     * @param restUrl           a raw PostgREST URL, or {@code null}; exactly one of the two is set
     * @param keyEnv            environment variable holding the service-role key
     * @param table             the table, created with {@code ClientLeadsSchema.sql(table)}
     * @param allowInsecureHttp accept {@code http://} for a non-loopback host
     */
    public record Supabase(String url, String restUrl, String keyEnv, String table, boolean allowInsecureHttp) {
        /** Default table: {@value ClientLeadsSchema#TABLE}. */
        public static final String DEFAULT_TABLE = ClientLeadsSchema.TABLE;
    }

    /**
     * Run settings.
     *
     * @param clientsPerBatch     clients of one instance in flight at once
     * @param parallelScans       api-user-key workspaces of one instance scanned at once
     * @param delayBetweenClients pause between client starts on one instance
     * @param delayBetweenBatches pause between batches of one instance
     * @param timeZone            zone of month-to-date counts ({@code kpi}, the demo)
     * @param checkpointFile      checkpoint file (resolved against the config file's directory), or
     *                            {@code null} for in-memory checkpoints ({@code --resume} then has nothing to resume)
     * @param keyStoreFile        the key store file ({@code run.key_store}, resolved against the config file's
     *                            directory): api-user keys minted on demand for workspaces without
     *                            {@code api_key_env}; {@code null} for none (such workspaces are read by switching)
     */
    public record Run(int clientsPerBatch, int parallelScans, Duration delayBetweenClients,
                      Duration delayBetweenBatches, ZoneId timeZone, Path checkpointFile, Path keyStoreFile) {
        /** The defaults: those of {@link BackfillOrchestrator}, UTC, no checkpoint file, no key store. */
        public static Run defaults() {
            return new Run(BackfillOrchestrator.DEFAULT_CLIENTS_PER_BATCH, BackfillOrchestrator.DEFAULT_PARALLEL_SCANS,
                    BackfillOrchestrator.DEFAULT_DELAY_BETWEEN_CLIENTS, BackfillOrchestrator.DEFAULT_DELAY_BETWEEN_BATCHES,
                    DEFAULT_TIME_ZONE, null, null);
        }
    }

    /**
     * Webhook settings.
     *
     * @param secretEnv environment variable holding the shared secret of the webhook URL
     */
    public record Webhook(String secretEnv) {
    }
}
