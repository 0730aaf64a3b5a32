package io.github.bisonbackfill.core;

import io.github.bisonbackfill.core.webhook.WebhookHandler;
import io.github.bisonbackfill.core.webhook.WebhookOutcome;
import io.github.bisonbackfill.supabase.Filter;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.UpsertOptions;
import io.github.bisonbackfill.supabase.testing.LocalSupabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.text.Normalizer;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One address, one lead, whatever its Unicode form: {@code josé@exämple.com} composed (NFC) and with
 * combining marks (NFD) is one row, through the backfill's path, the webhook's, and the schema's
 * upgrade of legacy rows. Against the real PostgREST + PostgreSQL.
 */
class EmailNfcLocalIT {
    static final String NFC = Normalizer.normalize("José@Exämple.com", Normalizer.Form.NFC);
    static final String NFD = Normalizer.normalize(" JOSÉ@exämple.COM", Normalizer.Form.NFD);
    static final String KEY = "josé@exämple.com"; // NFC in this source file

    static LocalSupabase db;
    static SupabaseWriter writer;

    @BeforeAll
    static void schema() {
        db = LocalSupabase.fromEnvironment();
        db.sql(ClientLeadsSchema.sql());
        db.reloadSchema(ClientLeadsSchema.TABLE + "(" + String.join(",", ClientLeadRow.COLUMNS) + ")");
        writer = db.writer().build();
    }

    @AfterAll
    static void close() {
        writer.close();
    }

    @Test
    void theTwoForms_differAsText_butNormaliseToOneKey() {
        assertThat(NFC).isNotEqualTo(NFD.strip());
        assertThat(Normalizer.isNormalized(KEY, Normalizer.Form.NFC)).isTrue();
        assertThat(EmailNormalizer.normalize(NFC)).contains(KEY);
        assertThat(EmailNormalizer.normalize(NFD)).contains(KEY);
        assertThat(LeadDedup.apply(List.of(Replies.withEmails(1, NFC, null), Replies.withEmails(2, NFD, null))).leads())
                .singleElement().satisfies(l -> assertThat(l.email()).isEqualTo(KEY));
    }

    @Test
    void backfillWritesNfc_webhookDeliversNfd_oneRow() {
        String unique = db.uniqueName("nfc").replace('_', '-');
        SourceWorkspace w = new SourceWorkspace("agency-" + unique, URI.create("https://send-" + unique + ".example"), 37, "Zoë " + unique);
        List<ClientLeadRow> rows = ClientLeadMapper.builder().build()
                .mapAll(LeadDedup.apply(List.of(Replies.withEmails(1, NFC, null))).leads(), w);
        writer.upsert(ClientLeadsSchema.TABLE, rows, UpsertOptions.builder()
                .onConflict(ClientLeadsSchema.CONFLICT_COLUMNS.toArray(String[]::new)).build());

        WebhookHandler handler = WebhookHandler.builder().writer(writer).secret("nfc-test-secret-0123456789").workspace(w).build();
        String delivery = "{\"event\":{\"type\":\"lead_interested\",\"instance_url\":\"" + w.baseUrl() + "\",\"workspace_id\":37},"
                + "\"data\":{\"reply\":{\"id\":2,\"date_received\":\"2025-10-15T10:00:00Z\"},\"lead\":{\"id\":20,\"email\":\"" + NFD + "\"}}}";
        WebhookOutcome o = handler.handle(delivery, "nfc-test-secret-0123456789");
        assertThat(o.status()).as(o.reason()).isEqualTo(WebhookOutcome.Status.ACCEPTED);

        List<Map<String, Object>> stored = writer.select(ClientLeadsSchema.TABLE, "lead_email,bison_reply_id",
                Filter.eq("bison_instance", w.instance()));
        assertThat(stored).containsExactly(Map.of("lead_email", KEY, "bison_reply_id", 2));
    }

    @Test
    void schemaUpgrade_rewritesLegacyNfdRowsToTheKey_andLeavesAnNfcNfdPairForAPerson() {
        String table = db.uniqueName("nfc_legacy");
        db.sql(ClientLeadsSchema.sql(table));
        // (Non-ASCII letters are lower-cased by the database's collation: the local cluster's is C,
        // so the legacy values' accented letters are lower-case already; Supabase's is en_US.UTF-8.)
        // Legacy writers stored emails as received: one NFD row in workspace A; in workspace B the
        // same address twice, once per form (two rows of one lead, which only a person can merge).
        db.sql("insert into " + table + " (workspace_name, lead_email) values"
                + " ('A', U&' jose\\0301@exa\\0308mple.COM'),"
                + " ('B', U&'jos\\00E9@ex\\00E4mple.com'), ('B', U&'JOSE\\0301@exa\\0308mple.com'),"
                + " ('C', 'plain@example.com')");
        db.sql(ClientLeadsSchema.sql(table)); // the upgrade path, run again on the now-legacy table

        String a = db.sql("select lead_email from " + table + " where workspace_name = 'A'").strip();
        assertThat(a).isEqualTo(KEY);
        String b = db.sql("select count(*) from " + table + " where workspace_name = 'B'").strip();
        assertThat(b).isEqualTo("2");
        String nfcInB = db.sql("select count(*) from " + table + " where workspace_name = 'B' and lead_email = U&'jos\\00E9@ex\\00E4mple.com'").strip();
        assertThat(nfcInB).isEqualTo("1");
        assertThat(db.sql("select lead_email from " + table + " where workspace_name = 'C'").strip()).isEqualTo("plain@example.com");
        db.dropTable(table);
    }
}
