package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.bison.ApiKeyStore;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import io.github.bisonbackfill.bison.simulator.SwitchVisibility;
import io.github.bisonbackfill.core.ClientLeadsSchema;
import io.github.bisonbackfill.core.LeadDedup;
import io.github.bisonbackfill.supabase.Filter;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.testing.LocalSupabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The way out of a contended session: with {@code run.key_store}, 24 clients on 2 instances configured
 * with super-admin keys only finish in one run while another actor switches the user every 0.2-1.2 s
 * (and back after 0.5-1.2 s) and the data trails the read-back by 3 s, the session in which
 * super-admin scans fail closed (OrchestratorContendedSessionIT); a second run mints nothing.
 */
class CliKeyStoreIT {
    @TempDir
    Path dir;

    @Test
    void keyStore_underAConstantSwitcher_completesEveryClientInOneRun_andASecondRunMintsNothing() throws Exception {
        LocalSupabase db = LocalSupabase.fromEnvironment();
        String table = db.uniqueName("cli_keys");
        db.ddl(ClientLeadsSchema.sql(table), table);
        try (BisonSimulator sim = BisonSimulator.builder().seed(1010)
                .switchLag(Duration.ofSeconds(3)).switchVisibility(SwitchVisibility.USERS_FIRST)
                .foreignSwitcher(Duration.ofMillis(200), Duration.ofMillis(1200), Duration.ofMillis(500),
                        Duration.ofMillis(1200))
                .instance("east", i -> i.generatedWorkspaces(12, 20, 5))
                .instance("west", i -> i.generatedWorkspaces(12, 20, 5)).start();
             SupabaseWriter reader = db.writer().build()) {
            StringJoiner clients = new StringJoiner(",\n");
            for (SimulatedInstance inst : sim.instances()) {
                inst.workspaces().forEach(ws -> clients.add("{\"name\": \"" + inst.name() + ": "
                        + ws.name().replace("\"", "\\\"") + "\", \"instance\": \"" + inst.name()
                        + "\", \"workspace_id\": " + ws.id() + "}"));
            }
            String json = """
                    {
                      "instances": [
                        {"name": "east", "base_url": "%s", "super_admin_key_env": "EAST_ADMIN", "requests_per_second": 500},
                        {"name": "west", "base_url": "%s", "super_admin_key_env": "WEST_ADMIN", "requests_per_second": 500}
                      ],
                      "clients": [%s],
                      "supabase": {"rest_url": "%s", "key_env": "TEST_SUPABASE_KEY", "table": "%s"},
                      "run": {"key_store": "secrets/bison-keys.json"}
                    }
                    """.formatted(sim.instance("east").baseUrl(), sim.instance("west").baseUrl(), clients, db.restUrl(), table);
            Path cfg = Cli.write(dir, "config.json", json);
            Map<String, String> env = new HashMap<>();
            env.put("EAST_ADMIN", sim.instance("east").superAdminKey());
            env.put("WEST_ADMIN", sim.instance("west").superAdminKey());
            env.put("TEST_SUPABASE_KEY", db.serviceRoleKey());

            Cli.Result first = Cli.run(env, "backfill", "--config", cfg.toString());

            assertThat(first.exit()).as(first.toString()).isZero();
            assertThat(first.out()).contains("key store: 24 api-user key(s) minted in this run");
            assertThat(first.out().lines().filter(l -> l.contains("minted key") && l.contains("COMPLETED")).count())
                    .as(first.out()).isEqualTo(24);
            for (SimulatedInstance inst : sim.instances()) {
                assertThat(inst.counters().keysMinted()).isEqualTo(12);
                assertThat(inst.counters().foreignSwitches()).as("the switcher ran").isPositive();
                assertThat(inst.requestLog(r -> r.endpoint() == Endpoint.SWITCH_WORKSPACE))
                        .as("the run never switched").isEmpty();
                for (var ws : inst.workspaces()) {
                    Map<String, Long> expected = new TreeMap<>();
                    LeadDedup.apply(inst.interestedReplies(ws.id())).leads()
                            .forEach(l -> expected.put(l.email(), l.reply().id()));
                    Map<String, Long> actual = new TreeMap<>();
                    reader.select(table, "lead_email,bison_reply_id", Filter.eq("workspace_name", inst.name() + ": " + ws.name()))
                            .forEach(r -> actual.put((String) r.get("lead_email"), ((Number) r.get("bison_reply_id")).longValue()));
                    assertThat(actual).as(inst.name() + "/" + ws.id()).isEqualTo(expected);
                }
            }
            Path store = dir.resolve("secrets/bison-keys.json");
            assertThat(Files.getPosixFilePermissions(store))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            assertThat(ApiKeyStore.file(store).find(sim.instance("west").baseUrl(), sim.instance("west").workspaces().get(0).id()))
                    .isPresent();
            String keys = Files.readString(store);
            assertThat(first.out() + first.err()).doesNotContain(keys.substring(keys.indexOf("\"key\"") + 8,
                    keys.indexOf("\"key\"") + 30));

            Cli.Result second = Cli.run(env, "backfill", "--config", cfg.toString());

            assertThat(second.exit()).as(second.toString()).isZero();
            assertThat(second.out()).doesNotContain("minted in this run");
            assertThat(second.out().lines().filter(l -> l.contains("stored key") && l.contains("COMPLETED")).count())
                    .isEqualTo(24);
            for (SimulatedInstance inst : sim.instances()) {
                assertThat(inst.counters().keysMinted()).as("a second run mints nothing").isEqualTo(12);
            }
        } finally {
            db.dropTable(table);
        }
    }
}
