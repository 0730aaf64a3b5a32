package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import io.github.bisonbackfill.supabase.Filter;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.testing.LocalSupabase;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A {@code client_leads} table of its own on the local Supabase (the shipped schema script, renamed),
 * a writer for it, and ways to read it back. Close to drop the table.
 */
final class LeadsTable implements AutoCloseable {
    final LocalSupabase db = LocalSupabase.fromEnvironment();
    final String name = db.uniqueName("cl");
    final SupabaseWriter writer;

    LeadsTable() {
        db.ddl(ClientLeadsSchema.sql(name), name);
        writer = db.writer().batchSize(25).retryBaseDelay(Duration.ofMillis(20)).build();
    }

    /** lead_email → bison_reply_id of one workspace_name. */
    Map<String, Long> replyIdsByEmail(String workspaceName) {
        Map<String, Long> out = new TreeMap<>();
        for (Map<String, Object> row : writer.select(name, "lead_email,bison_reply_id",
                Filter.eq("workspace_name", workspaceName))) {
            Object previous = out.put((String) row.get("lead_email"), ((Number) row.get("bison_reply_id")).longValue());
            if (previous != null) {
                throw new AssertionError("duplicate row for " + row.get("lead_email") + " in " + workspaceName);
            }
        }
        return out;
    }

    /** What a correct backfill must have written for a workspace: its ground truth, deduplicated by the lead rule. */
    static Map<String, Long> expected(List<Reply> interested) {
        Map<String, Long> out = new TreeMap<>();
        LeadDedup.apply(interested).leads().forEach(l -> out.put(l.email(), l.reply().id()));
        return out;
    }

    long count() {
        return db.sqlCount(name);
    }

    /** Rows whose updated_at is at or after {@code t} (the schema's trigger moves it only on a real change). */
    long changedSince(Instant t) {
        return Long.parseLong(db.sql("select count(*) from " + name + " where updated_at >= '" + t + "'"));
    }

    long createdSince(Instant t) {
        return Long.parseLong(db.sql("select count(*) from " + name + " where created_at >= '" + t + "'"));
    }

    String sql(String sql) {
        return db.sql(sql);
    }

    /**
     * Registers one client per simulated instance with {@code builder} (and in {@code clients}, to be
     * closed) and returns the plan's clients: every workspace of every instance, named
     * {@code "<instance>: <workspace>"} (generated instances share workspace names).
     */
    static List<ClientSpec> everyWorkspace(BisonSimulator sim,
                                           BackfillOrchestrator.Builder builder, List<BisonClient> clients,
                                           Function<SimulatedInstance, BisonClient> client) {
        List<ClientSpec> specs = new ArrayList<>();
        for (SimulatedInstance instance : sim.instances()) {
            BisonClient c = client.apply(instance);
            clients.add(c);
            builder.instance(c);
            instance.workspaces().forEach(ws -> specs.add(new ClientSpec(instance.name() + ": " + ws.name(),
                    instance.name(), ws.id())));
        }
        return specs;
    }

    /** A BisonClient for a simulated instance, with fast retries and a short settle delay. */
    static BisonClient.Builder client(SimulatedInstance instance, Duration settle) {
        return BisonClient.builder().baseUrl(instance.baseUrl()).instanceName(instance.name())
                .switchSettleDelay(settle).verificationAttempts(10).verificationInterval(Duration.ofMillis(50))
                .retryBaseDelay(Duration.ofMillis(10)).retryMaxDelay(Duration.ofMillis(100))
                .contextRecoveryBaseDelay(Duration.ofMillis(10)).contextRecoveryMaxDelay(Duration.ofMillis(100))
                .requestsPerSecond(500).maxConcurrentRequests(8);
    }

    @Override
    public void close() {
        writer.close();
        db.dropTable(name);
    }
}
