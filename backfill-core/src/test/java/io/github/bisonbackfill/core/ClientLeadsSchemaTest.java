package io.github.bisonbackfill.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Static checks of the shipped SQL. Its behaviour against a real PostgreSQL is checked by the
 * PostgREST integration tests (and was checked by hand, see docs/backfill-core.md).
 */
class ClientLeadsSchemaTest {
    final String sql = ClientLeadsSchema.sql();

    @Test
    void sql_everyColumnTheRowWrites_isCreatedAndAddedIfMissing() {
        for (String column : ClientLeadRow.COLUMNS) {
            assertThat(sql).as(column).containsPattern("add column if not exists " + column + "\\s");
            assertThat(sql).as(column).containsPattern("\\n\\s+" + column + "\\s+\\w+");
        }
    }

    @Test
    void guard_revertsExactlyTheReplyDerivedColumnsTheRowWrites() {
        int from = sql.indexOf("if stale then");
        String block = sql.substring(from, sql.indexOf("end if;", from));
        Matcher m = Pattern.compile("NEW\\.(\\w+)\\s+:= OLD\\.\\1;").matcher(block);
        List<String> reverted = new ArrayList<>();
        while (m.find()) {
            reverted.add(m.group(1));
        }
        Set<String> expected = new LinkedHashSet<>(ClientLeadRow.COLUMNS);
        expected.removeAll(ClientLeadsSchema.CONFLICT_COLUMNS);
        expected.remove("last_synced_at");
        assertThat(reverted).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void sql_isOneTransaction_endingWithTheSchemaReload() {
        assertThat(sql.strip()).startsWith("--").endsWith("commit;");
        assertThat(sql).contains("\nbegin;\n").contains("notify pgrst, 'reload schema';");
        assertThat(sql).containsPattern("unique \\(lead_email, workspace_name\\)")
                .containsPattern("unique \\(bison_instance, bison_reply_id\\)");
    }

    @Test
    void sqlDroppingLegacyReplyIdUnique_setsTheOptionFirst() {
        assertThat(ClientLeadsSchema.sqlDroppingLegacyReplyIdUnique())
                .startsWith("set bison_backfill.drop_legacy_reply_id_unique = 'on';\n")
                .endsWith(sql);
        assertThat(sql).contains("current_setting('" + ClientLeadsSchema.DROP_LEGACY_REPLY_ID_UNIQUE_SETTING + "', true)");
    }

    @Test
    void sqlForAnotherTable_renamesTheTableAndEveryObjectNamedAfterIt() {
        String renamed = ClientLeadsSchema.sql("leads_staging");
        assertThat(renamed).doesNotContain("client_leads")
                .contains("create table public.leads_staging (")
                .contains("create trigger zz_leads_staging_bison_backfill_guard")
                .contains("public.leads_staging_bison_backfill_guard()");
        assertThat(renamed.replace("leads_staging", "client_leads")).isEqualTo(sql);
    }

    @Test
    void sqlForAnotherTable_rejectsNamesThatAreNotPlainIdentifiers() {
        for (String bad : new String[]{"Leads", "leads; drop table x", "1leads", "", "a".repeat(31), "public.leads"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClientLeadsSchema.sql(bad))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identifier");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClientLeadsSchema.sql(null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
