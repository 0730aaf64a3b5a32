package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.bison.ApiKeyStore;
import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.core.BackfillOrchestrator;
import io.github.bisonbackfill.core.BackfillPlan;
import io.github.bisonbackfill.core.CheckpointStore;
import io.github.bisonbackfill.core.ClientSpec;
import io.github.bisonbackfill.core.ProgressListener;
import io.github.bisonbackfill.core.SourceWorkspace;
import io.github.bisonbackfill.supabase.SupabaseWriter;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the library's objects from a {@link BackfillConfig} and an environment (secrets are read
 * only here, by variable name, and a missing one is a {@link ConfigException} naming the field that
 * names it). Owns what it builds: {@link #close()} closes the clients and the writer.
 * Not thread-safe while building; the built objects are.
 */
final class Wiring implements AutoCloseable {
    private final BackfillConfig config;
    private final Map<String, String> env;
    private final Map<String, BisonClient> clients = new LinkedHashMap<>();
    private ApiKeyStore keyStore;
    private boolean replaceRejectedStoredKeys;
    private SupabaseWriter writer;

    /** The config's key store (one per wiring, shared by its instances), created on first use. */
    private ApiKeyStore keyStore() {
        if (keyStore == null) {
            keyStore = ApiKeyStore.file(config.run().keyStoreFile());
        }
        return keyStore;
    }

    /** Sets whether a stored key that Email Bison rejects (401) is replaced by a new one (the CLI's --force). */
    Wiring replaceRejectedStoredKeys(boolean replace) {
        this.replaceRejectedStoredKeys = replace;
        return this;
    }

    Wiring(BackfillConfig config, Map<String, String> env) {
        this.config = Objects.requireNonNull(config, "config");
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    }

    /**
     * The value of the environment variable a config field names.
     *
     * @throws ConfigException when it is not set or blank
     */
    static String secret(Map<String, String> env, String field, String variable, String hint) {
        String v = env.get(variable);
        if (v == null || v.isBlank()) {
            throw new ConfigException(field, "environment variable " + variable + " is not set" + (hint == null ? "" : " (" + hint + ")"));
        }
        return v.trim();
    }

    /** The selected clients of the config, in file order. */
    List<BackfillConfig.Client> select(Collection<String> names) {
        if (names == null || names.isEmpty()) {
            return config.clients();
        }
        List<BackfillConfig.Client> out = new ArrayList<>();
        for (BackfillConfig.Client c : config.clients()) {
            if (names.contains(c.name())) {
                out.add(c);
            }
        }
        return out;
    }

    /** The plan of the given clients (names as in the config). */
    static BackfillPlan plan(List<BackfillConfig.Client> clients) {
        return BackfillPlan.of(clients.stream().map(c -> new ClientSpec(c.name(), c.instance(), c.workspaceId())).toList());
    }

    /** The writer (built once). */
    SupabaseWriter writer() {
        if (writer == null) {
            BackfillConfig.Supabase s = config.supabase();
            SupabaseWriter.Builder b = SupabaseWriter.builder()
                    .apiKey(secret(env, "supabase.key_env", s.keyEnv(), "the service-role key of the Supabase project"))
                    .allowInsecureHttp(s.allowInsecureHttp());
            if (s.url() != null) {
                b.projectUrl(s.url());
            } else {
                b.restUrl(s.restUrl());
            }
            writer = b.build();
        }
        return writer;
    }

    /**
     * One {@link BisonClient} per instance used by {@code selected}, with the api-user keys of those
     * clients and the super-admin key when one of them has none (or {@code superAdminRequired}).
     */
    Map<String, BisonClient> bisonClients(List<BackfillConfig.Client> selected, boolean superAdminRequired) {
        Map<String, List<BackfillConfig.Client>> byInstance = new LinkedHashMap<>();
        for (BackfillConfig.Client c : selected) {
            byInstance.computeIfAbsent(c.instance(), k -> new ArrayList<>()).add(c);
        }
        Map<String, BisonClient> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<BackfillConfig.Client>> e : byInstance.entrySet()) {
            BackfillConfig.Instance inst = config.instance(e.getKey()).orElseThrow();
            BisonClient existing = clients.get(inst.name());
            if (existing != null) {
                out.put(inst.name(), existing);
                continue;
            }
            BisonClient.Builder b = BisonClient.builder().baseUrl(inst.baseUrl()).instanceName(inst.name())
                    .allowInsecureHttp(inst.allowInsecureHttp());
            if (inst.settleDelay() != null) {
                b.switchSettleDelay(inst.settleDelay());
            }
            if (inst.requestsPerSecond() != null) {
                b.requestsPerSecond(inst.requestsPerSecond());
            }
            if (inst.maxConcurrentRequests() != null) {
                b.maxConcurrentRequests(inst.maxConcurrentRequests());
            }
            // A key store mints the keys it lacks with the super-admin key.
            boolean needSuperAdmin = superAdminRequired || config.run().keyStoreFile() != null;
            if (config.run().keyStoreFile() != null) {
                b.keyStore(keyStore()).replaceRejectedStoredKeys(replaceRejectedStoredKeys);
            }
            for (BackfillConfig.Client c : e.getValue()) {
                if (c.apiKeyEnv() == null) {
                    needSuperAdmin = true;
                } else if (!superAdminRequired) {
                    b.workspaceKey(c.workspaceId(), secret(env, c.path() + ".api_key_env", c.apiKeyEnv(),
                            "the api-user key of workspace " + c.workspaceId() + "; create it with the mint-keys command"));
                }
            }
            if (needSuperAdmin) {
                if (inst.superAdminKeyEnv() == null) {
                    throw new ConfigException(inst.path() + ".super_admin_key_env", "missing: needed for "
                            + (superAdminRequired ? "this command" : "the clients of this instance without api_key_env"));
                }
                b.superAdminKey(secret(env, inst.path() + ".super_admin_key_env", inst.superAdminKeyEnv(),
                        "the super-admin key of instance \"" + inst.name() + "\""));
            }
            BisonClient client = b.build();
            clients.put(inst.name(), client);
            out.put(inst.name(), client);
        }
        return out;
    }

    /** An orchestrator over the instances of {@code selected}, with the config's run settings. */
    BackfillOrchestrator orchestrator(List<BackfillConfig.Client> selected, ProgressListener listener) {
        BackfillConfig.Run run = config.run();
        BackfillOrchestrator.Builder b = BackfillOrchestrator.builder().writer(writer())
                .table(config.supabase().table())
                .clientsPerBatch(run.clientsPerBatch()).parallelScans(run.parallelScans())
                .delayBetweenClients(run.delayBetweenClients()).delayBetweenBatches(run.delayBetweenBatches());
        if (run.checkpointFile() != null) {
            b.checkpointStore(CheckpointStore.file(run.checkpointFile()));
        }
        if (listener != null) {
            b.listener(listener);
        }
        bisonClients(selected, false).values().forEach(b::instance);
        return b.build();
    }

    /** The webhook's workspaces: every configured client, with the names the backfill writes. */
    List<SourceWorkspace> sourceWorkspaces() {
        return config.clients().stream().map(c -> new SourceWorkspace(c.instance(),
                URI.create(config.instance(c.instance()).orElseThrow().baseUrl()), c.workspaceId(), c.name())).toList();
    }

    @Override
    public void close() {
        clients.values().forEach(BisonClient::close);
        clients.clear();
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }
}
