package io.github.bisonbackfill.examples.demo;

import io.github.bisonbackfill.core.ClientLeadsSchema;
import io.github.bisonbackfill.core.ClientOutcome;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.testing.LocalSupabase;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The demo's core with smaller data against the real PostgREST, the race switched on. */
class DemoIT {
    @Test
    void demo_writesExactlyEachWorkspacesLeads_underTheRace_andCountsTheSeedsRowsAgainstGroundTruth() {
        LocalSupabase db = LocalSupabase.fromEnvironment();
        String table = db.uniqueName("demo");
        String seedTable = db.uniqueName("demo_seed");
        db.ddl(ClientLeadsSchema.sql(table), table);
        db.ddl(ClientLeadsSchema.sql(seedTable), seedTable);
        Demo.Settings settings = Demo.Settings.defaults().withTables(table, seedTable).withSize(6, 5, 40, 10)
                .withSeedTimeScale(0.02);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (SupabaseWriter writer = db.writer().build();
             PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            Demo.Result r = Demo.run(settings, writer, out);
            String screen = buf.toString(StandardCharsets.UTF_8);

            assertThat(r.clients()).hasSize(6);
            assertThat(r.report().succeeded()).as(screen).isTrue();
            assertThat(r.report().clients()).allMatch(c -> c.outcome() == ClientOutcome.COMPLETED);
            assertThat(r.clients()).allSatisfy(c -> {
                assertThat(c.rows()).as(c.name()).isEqualTo(c.expectedLeads());
                assertThat(c.wrongRows()).as(c.name()).isZero();
                assertThat(c.mtdRows()).as(c.name()).isNotNull();
            });
            assertThat(r.clients().stream().filter(c -> c.instance().equals("beta")))
                    .allMatch(c -> c.keyMode() == io.github.bisonbackfill.bison.KeyMode.API_USER_KEY);
            assertThat(r.clients().stream().filter(c -> c.instance().equals("alpha")))
                    .allMatch(c -> c.keyMode() == io.github.bisonbackfill.bison.KeyMode.SUPER_ADMIN_SWITCHING);
            assertThat(db.sqlCount(table)).isEqualTo(r.clients().stream().mapToLong(Demo.ClientResult::expectedLeads).sum());

            // The seed sends interested=1 (no filter): every row it stores is either another workspace's reply or one
            // of this workspace's (interested or not). Which of them it gets depends on the race, so only that the
            // seed stored something that is not a lead of its client is asserted.
            assertThat(r.clients().stream().mapToLong(c -> c.seedForeignRows() + c.seedNotInterestedRows()).sum())
                    .as(screen).isPositive();
            assertThat(r.clients().stream().mapToLong(Demo.ClientResult::seedRows).sum()).isEqualTo(db.sqlCount(seedTable));
            assertThat(r.foreignSwitches()).isPositive();

            assertThat(screen).contains("bison-backfill: 6/6 clients exact, 6/6 reconciled")
                    .contains("seed procedure: " + r.seedContaminatedClients() + "/6 clients contaminated")
                    .contains("beta: minted 3 api-user keys");

            // A second demo into the same seed table refuses (its counts would include the first run's rows).
            assertThatThrownBy(() -> Demo.run(settings, writer, out)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("truncate " + seedTable);
        } finally {
            db.dropTable(table);
            db.dropTable(seedTable);
        }
    }
}
