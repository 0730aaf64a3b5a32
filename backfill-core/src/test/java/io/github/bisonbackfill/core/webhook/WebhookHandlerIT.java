package io.github.bisonbackfill.core.webhook;

import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.core.ClientLeadMapper;
import io.github.bisonbackfill.core.ClientLeadRow;
import io.github.bisonbackfill.core.ClientLeadsSchema;
import io.github.bisonbackfill.core.LeadDedup;
import io.github.bisonbackfill.core.SourceWorkspace;
import io.github.bisonbackfill.core.webhook.WebhookFixtures.Isolated;
import io.github.bisonbackfill.core.webhook.WebhookOutcome.RejectCause;
import io.github.bisonbackfill.core.webhook.WebhookOutcome.Status;
import io.github.bisonbackfill.supabase.Filter;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.UpsertOptions;
import io.github.bisonbackfill.supabase.UpsertResult;
import io.github.bisonbackfill.supabase.testing.LocalSupabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.github.bisonbackfill.core.webhook.WebhookFixtures.RECEIVED;
import static io.github.bisonbackfill.core.webhook.WebhookFixtures.REPLY_ID;
import static io.github.bisonbackfill.core.webhook.WebhookFixtures.REPLY_UUID;
import static io.github.bisonbackfill.core.webhook.WebhookFixtures.SECRET;
import static io.github.bisonbackfill.core.webhook.WebhookFixtures.isolated;
import static io.github.bisonbackfill.core.webhook.WebhookFixtures.restReply;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deliveries against the real PostgREST + PostgreSQL with the shipped {@code client_leads} schema
 * (guard trigger included). Every test writes its own instance/workspace, so tests never depend on
 * each other or on the table's other rows.
 */
class WebhookHandlerIT {
    static final String TABLE = ClientLeadsSchema.TABLE;
    static final String COLUMNS = String.join(",", ClientLeadRow.COLUMNS) + ",pipeline_stage,notes,updated_at";
    static final Instant T0 = Instant.parse("2025-11-02T09:30:00Z");

    static LocalSupabase db;
    static SupabaseWriter writer;

    @BeforeAll
    static void schema() {
        db = LocalSupabase.fromEnvironment();
        db.sql(ClientLeadsSchema.sql());
        db.reloadSchema(TABLE + "(" + String.join(",", ClientLeadRow.COLUMNS) + ")");
        writer = db.writer().retryBaseDelay(Duration.ofMillis(10)).build();
    }

    @AfterAll
    static void close() {
        writer.close();
    }

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final TestClock clock = new TestClock();

    WebhookHandler handler(SourceWorkspace... workspaces) {
        return WebhookHandler.builder().writer(writer).secret(SECRET).workspaces(List.of(workspaces)).clock(clock).build();
    }

    static List<Map<String, Object>> rows(SourceWorkspace w) {
        return writer.select(TABLE, COLUMNS, Filter.eq("bison_instance", w.instance()));
    }

    static Map<String, Object> onlyRow(SourceWorkspace w) {
        List<Map<String, Object>> rows = rows(w);
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    /** The row without the columns that depend on when it was written. */
    static Map<String, Object> content(Map<String, Object> row) {
        Map<String, Object> m = new LinkedHashMap<>(row);
        m.remove("last_synced_at");
        m.remove("updated_at");
        return m;
    }

    /** The same path the orchestrator uses: dedup, map, upsert on the conflict key. */
    void backfill(SourceWorkspace w, Reply... replies) {
        List<ClientLeadRow> mapped = ClientLeadMapper.builder().clock(clock).build()
                .mapAll(LeadDedup.apply(List.of(replies)).leads(), w);
        UpsertResult r = writer.upsert(TABLE, mapped, UpsertOptions.builder()
                .onConflict(ClientLeadsSchema.CONFLICT_COLUMNS.toArray(String[]::new)).build());
        assertThat(r.rejected()).isEmpty();
        assertThat(r.rowsAcknowledged()).isEqualTo(mapped.size());
    }

    static String withReply(String delivery, long id, String subject, Instant received) {
        return delivery.replace("\"id\": 88412,", "\"id\": " + id + ",")
                .replace(REPLY_UUID, "reply-uuid-" + id)
                .replace("Re: quick question", subject)
                .replace("2025-10-14T17:03:21.000000Z", received.toString());
    }

    static void assertNothingWritten(SourceWorkspace w) {
        assertThat(rows(w)).isEmpty();
    }

    // ---- deliveries ----------------------------------------------------------------------------

    @Test
    void realShape_isAccepted_andWritesTheBackfillRow() {
        Isolated iso = isolated();
        SourceWorkspace w = iso.workspace();
        WebhookOutcome o = handler(w).handle(iso.delivery("lead_interested.json"), SECRET);

        assertThat(o).isEqualTo(new WebhookOutcome(Status.ACCEPTED, null,
                "upserted dana.ortiz@acme-logistics.example into client_leads", "lead_interested",
                w.workspaceName(), REPLY_ID));
        Map<String, Object> row = onlyRow(w);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("lead_email", "dana.ortiz@acme-logistics.example");
        expected.put("workspace_name", w.workspaceName());
        expected.put("first_name", "Dana");
        expected.put("last_name", "Ortiz-Núñez");
        expected.put("company", "Acme Logistics, Inc.");
        expected.put("title", "Ops Director");
        expected.put("phone", "+1 555-0142");
        expected.put("custom_variables", List.of(Map.of("name", "Mobile Phone", "value", "+1 555-0142"),
                Map.of("name", "city", "value", "Montréal")));
        expected.put("date_received", "2025-10-14T17:03:21+00:00");
        expected.put("email_subject", "Re: quick question");
        expected.put("interested", true);
        expected.put("bison_reply_id", 88412);
        expected.put("bison_reply_uuid", REPLY_UUID);
        expected.put("bison_lead_id", "730551");
        expected.put("bison_workspace_id", 37);
        expected.put("bison_instance", w.instance());
        expected.put("bison_conversation_url", "https://" + iso.host() + "/inbox?reply_uuid=" + REPLY_UUID);
        expected.put("last_synced_at", "2025-11-02T09:30:00+00:00");
        expected.put("pipeline_stage", "new");
        expected.put("notes", null);
        Map<String, Object> actual = new LinkedHashMap<>(row);
        actual.remove("updated_at");
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void wrappedSampleShape_upperCaseTypeStringIds_writesTheSameRowAsTheRealShape() {
        Isolated real = isolated();
        Isolated sample = new Isolated(real.host(), real.workspace());
        WebhookHandler h = handler(real.workspace());
        assertThat(h.handle(real.delivery("lead_interested.json"), SECRET).status()).isEqualTo(Status.ACCEPTED);
        Map<String, Object> first = onlyRow(real.workspace());

        clock.now = T0.plusSeconds(60);
        WebhookOutcome o = h.handle(sample.delivery("lead_interested_sample.json"), SECRET);

        assertThat(o.status()).isEqualTo(Status.ACCEPTED);
        assertThat(o.eventType()).isEqualTo("LEAD_INTERESTED");
        assertThat(o.replyId()).isEqualTo(REPLY_ID);
        Map<String, Object> second = onlyRow(real.workspace());
        assertThat(content(second)).isEqualTo(content(first));
        assertThat(second.get("updated_at")).as("nothing changed").isEqualTo(first.get("updated_at"));
        assertThat(second.get("last_synced_at")).isEqualTo("2025-11-02T09:31:00+00:00");
    }

    @Test
    void wrappedSampleShape_alone_isAccepted() {
        Isolated iso = isolated();
        WebhookOutcome o = handler(iso.workspace()).handle(iso.delivery("lead_interested_sample.json"), SECRET);
        assertThat(o.status()).isEqualTo(Status.ACCEPTED);
        Map<String, Object> row = onlyRow(iso.workspace());
        assertThat(row.get("lead_email")).isEqualTo("dana.ortiz@acme-logistics.example");
        assertThat(row.get("date_received")).isEqualTo("2025-10-14T17:03:21+00:00");
        assertThat(row.get("bison_reply_id")).isEqualTo(88412);
    }

    @Test
    void otherEventType_isIgnored_nothingWritten() {
        Isolated iso = isolated();
        WebhookOutcome o = handler(iso.workspace()).handle(iso.delivery("email_sent.json"), SECRET);
        assertThat(o.status()).isEqualTo(Status.IGNORED);
        assertThat(o.cause()).isNull();
        assertThat(o.eventType()).isEqualTo("EMAIL_SENT");
        assertThat(o.reason()).contains("EMAIL_SENT").contains("lead_interested");
        assertNothingWritten(iso.workspace());
    }

    @Test
    void wrongOrMissingSecret_isUnauthorized_nothingWritten() {
        Isolated iso = isolated();
        WebhookHandler h = handler(iso.workspace());
        String body = iso.delivery("lead_interested.json");
        for (String presented : new String[]{null, "", SECRET + "x", SECRET.substring(1), SECRET.toUpperCase()}) {
            WebhookOutcome o = h.handle(body, presented);
            assertThat(o.status()).as("secret %s", presented).isEqualTo(Status.UNAUTHORIZED);
            assertThat(o.reason()).doesNotContain(SECRET);
            assertThat(o.eventType()).as("the body is not read").isNull();
        }
        assertNothingWritten(iso.workspace());
    }

    @Test
    void malformedBodies_areRejectedWithTheReason_nothingWritten() {
        Isolated iso = isolated();
        WebhookHandler h = handler(iso.workspace());
        String good = iso.delivery("lead_interested.json");
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("", "body is empty");
        cases.put("{\"event\": {\"type\": \"lead_interested\"", "not valid JSON");
        cases.put("<html>Bad gateway</html>", "not valid JSON");
        cases.put("[1, 2]", "not a JSON object");
        cases.put("{\"data\": {\"reply\": {}}}", "no \"event\" object");
        cases.put("{\"event\": {\"name\": \"Contact Interested\"}, \"data\": {}}", "event.type is missing");
        cases.put(good.replace("\"id\": 88412,", "\"id\": \"88412abc\","), "data.reply.id is not a whole number");
        cases.put(good.replace("\"id\": 88412,", ""), "data.reply.id is missing");
        cases.put(good.replace("\"2025-10-14T17:03:21.000000Z\"", "\"last Tuesday\""), "data.reply.date_received is not a date-time");
        cases.put(good.replace("\"workspace_id\": 37,", ""), "event.workspace_id is missing");
        cases.put(good + " trailing", "not valid JSON");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            WebhookOutcome o = h.handle(c.getKey(), SECRET);
            assertThat(o.status()).as(c.getValue()).isEqualTo(Status.REJECTED);
            assertThat(o.cause()).as(c.getValue()).isEqualTo(RejectCause.MALFORMED);
            assertThat(o.reason()).contains(c.getValue());
        }
        assertNothingWritten(iso.workspace());
    }

    @Test
    void missingEmail_isRejectedWithTheReason_nothingWritten() {
        Isolated iso = isolated();
        String noEmails = iso.delivery("lead_interested.json")
                .replace("\"email\": \" Dana.Ortiz@Acme-Logistics.example\",", "")
                .replace("\"from_email_address\": \"Dana.Ortiz@acme-logistics.example \",", "");
        WebhookOutcome o = handler(iso.workspace()).handle(noEmails, SECRET);
        assertThat(o.status()).isEqualTo(Status.REJECTED);
        assertThat(o.cause()).isEqualTo(RejectCause.INVALID_EMAIL);
        assertThat(o.reason()).isEqualTo("MISSING: reply 88412: no usable email (lead.email missing, from_email_address missing)");
        assertThat(o.replyId()).isEqualTo(REPLY_ID);
        assertThat(o.workspaceName()).isEqualTo(iso.workspace().workspaceName());

        String unusable = iso.delivery("lead_interested.json")
                .replace("\" Dana.Ortiz@Acme-Logistics.example\"", "null")
                .replace("\"Dana.Ortiz@acme-logistics.example \"", "\"Dana Ortiz at Acme\"");
        WebhookOutcome o2 = handler(iso.workspace()).handle(unusable, SECRET);
        assertThat(o2.cause()).isEqualTo(RejectCause.INVALID_EMAIL);
        assertThat(o2.reason()).startsWith("WHITESPACE_INSIDE").contains("'Dana Ortiz at Acme'");
        assertNothingWritten(iso.workspace());
    }

    @Test
    void unknownWorkspaceOrInstance_isRejectedWithTheReason_nothingWritten() {
        Isolated iso = isolated();
        WebhookHandler h = handler(iso.workspace());
        WebhookOutcome otherId = h.handle(iso.delivery("lead_interested.json").replace("\"workspace_id\": 37", "\"workspace_id\": 38"), SECRET);
        assertThat(otherId.cause()).isEqualTo(RejectCause.UNKNOWN_WORKSPACE);
        assertThat(otherId.reason()).contains("workspace 38 of instance " + iso.host() + " is not configured");

        WebhookOutcome otherInstance = h.handle(iso.delivery("lead_interested.json")
                .replace("https://" + iso.host(), "https://send.other-agency.example"), SECRET);
        assertThat(otherInstance.cause()).isEqualTo(RejectCause.UNKNOWN_WORKSPACE);
        assertThat(otherInstance.reason()).contains("instance send.other-agency.example is not configured");
        assertNothingWritten(iso.workspace());
    }

    @Test
    void sameDeliveryTwice_changesNothing_updatedAtStays() {
        Isolated iso = isolated();
        WebhookHandler h = handler(iso.workspace());
        String body = iso.delivery("lead_interested.json");
        assertThat(h.handle(body, SECRET).status()).isEqualTo(Status.ACCEPTED);
        Map<String, Object> first = onlyRow(iso.workspace());

        clock.now = T0.plus(Duration.ofHours(1));
        assertThat(h.handle(body, SECRET).status()).isEqualTo(Status.ACCEPTED);

        Map<String, Object> second = onlyRow(iso.workspace());
        assertThat(content(second)).isEqualTo(content(first));
        assertThat(second.get("updated_at")).isEqualTo(first.get("updated_at"));
        assertThat(second.get("last_synced_at")).isEqualTo("2025-11-02T10:30:00+00:00");
    }

    @Test
    void deliveryOlderThanTheStoredReply_keepsTheStoredReply_andDownstreamEdits() {
        Isolated iso = isolated();
        WebhookHandler h = handler(iso.workspace());
        String base = iso.delivery("lead_interested.json");
        Instant later = RECEIVED.plus(Duration.ofDays(2));
        assertThat(h.handle(withReply(base, 88500, "Re: follow-up", later), SECRET).status()).isEqualTo(Status.ACCEPTED);
        db.sql("update client_leads set pipeline_stage = 'booked', notes = 'call Thu' where bison_instance = '"
                + iso.workspace().instance() + "'");
        Map<String, Object> stored = onlyRow(iso.workspace());

        clock.now = T0.plusSeconds(5);
        WebhookOutcome o = h.handle(base, SECRET);

        assertThat(o.status()).isEqualTo(Status.ACCEPTED);
        assertThat(o.replyId()).isEqualTo(REPLY_ID);
        Map<String, Object> after = onlyRow(iso.workspace());
        assertThat(content(after)).isEqualTo(content(stored));
        assertThat(after.get("bison_reply_id")).isEqualTo(88500);
        assertThat(after.get("email_subject")).isEqualTo("Re: follow-up");
        assertThat(after.get("pipeline_stage")).isEqualTo("booked");
        assertThat(after.get("notes")).isEqualTo("call Thu");
        assertThat(after.get("updated_at")).isEqualTo(stored.get("updated_at"));
        assertThat(after.get("last_synced_at")).isEqualTo("2025-11-02T09:30:05+00:00");
    }

    @Test
    void newerDelivery_replacesTheReply_keepsDownstreamEdits() {
        Isolated iso = isolated();
        WebhookHandler h = handler(iso.workspace());
        String base = iso.delivery("lead_interested.json");
        assertThat(h.handle(base, SECRET).status()).isEqualTo(Status.ACCEPTED);
        db.sql("update client_leads set pipeline_stage = 'booked' where bison_instance = '" + iso.workspace().instance() + "'");

        Instant later = RECEIVED.plus(Duration.ofDays(2));
        assertThat(h.handle(withReply(base, 88500, "Re: follow-up", later), SECRET).status()).isEqualTo(Status.ACCEPTED);

        Map<String, Object> row = onlyRow(iso.workspace());
        assertThat(row.get("bison_reply_id")).isEqualTo(88500);
        assertThat(row.get("email_subject")).isEqualTo("Re: follow-up");
        assertThat(row.get("date_received")).isEqualTo("2025-10-16T17:03:21+00:00");
        assertThat(row.get("bison_conversation_url")).isEqualTo("https://" + iso.host() + "/inbox?reply_uuid=reply-uuid-88500");
        assertThat(row.get("pipeline_stage")).isEqualTo("booked");
    }

    @Test
    void rowTheDatabaseRefuses_isRejectedWithItsError_nothingWritten() {
        String table = db.uniqueName("client_leads_checked");
        db.ddl("create table " + table + " (like client_leads including all);"
                + " alter table " + table + " add constraint no_acme check (company not like 'Acme%');"
                + " grant all on " + table + " to service_role;", table);
        try {
            Isolated iso = isolated();
            WebhookHandler h = WebhookHandler.builder().writer(writer).secret(SECRET).workspace(iso.workspace())
                    .table(table).clock(clock).build();
            WebhookOutcome o = h.handle(iso.delivery("lead_interested.json"), SECRET);
            assertThat(o.status()).isEqualTo(Status.REJECTED);
            assertThat(o.cause()).isEqualTo(RejectCause.ROW_REJECTED);
            assertThat(o.reason()).startsWith(table + " refused the row: 400 23514");
            assertThat(db.sqlCount(table)).isZero();
        } finally {
            db.dropTable(table);
        }
    }

    // ---- webhook and backfill in both orders ---------------------------------------------------

    @Test
    void webhookThenBackfill_andBackfillThenWebhook_sameReply_endInTheSameRow() {
        Isolated a = isolated();
        Isolated b = isolated();
        Reply rest = restReply(REPLY_ID, "Re: quick question", RECEIVED);

        handler(a.workspace()).handle(a.delivery("lead_interested.json"), SECRET);
        Map<String, Object> webhookOnly = onlyRow(a.workspace());
        backfill(a.workspace(), rest);
        Map<String, Object> webhookThenBackfill = onlyRow(a.workspace());

        backfill(b.workspace(), rest);
        handler(b.workspace()).handle(b.delivery("lead_interested.json"), SECRET);
        Map<String, Object> backfillThenWebhook = onlyRow(b.workspace());

        assertThat(webhookThenBackfill.get("updated_at")).as("the backfill found nothing to change")
                .isEqualTo(webhookOnly.get("updated_at"));
        assertThat(comparable(webhookThenBackfill, a)).isEqualTo(comparable(backfillThenWebhook, b));
        assertThat(webhookThenBackfill.get("email_subject")).isEqualTo("Re: quick question");
    }

    @Test
    void webhookThenBackfill_andBackfillThenWebhook_newerReplyWinsInBothOrders() {
        Isolated a = isolated();
        Isolated b = isolated();
        Instant later = RECEIVED.plus(Duration.ofDays(2));
        // The backfill saw a later reply of the same lead (and the webhook's, which it deduplicates away).
        Reply[] scan = {restReply(88500, "Re: follow-up", later), restReply(REPLY_ID, "Re: quick question", RECEIVED)};

        handler(a.workspace()).handle(a.delivery("lead_interested.json"), SECRET);
        backfill(a.workspace(), scan);

        backfill(b.workspace(), scan);
        WebhookOutcome late = handler(b.workspace()).handle(b.delivery("lead_interested.json"), SECRET);
        assertThat(late.status()).isEqualTo(Status.ACCEPTED);

        Map<String, Object> first = onlyRow(a.workspace());
        Map<String, Object> second = onlyRow(b.workspace());
        assertThat(first.get("bison_reply_id")).isEqualTo(88500);
        assertThat(first.get("email_subject")).isEqualTo("Re: follow-up");
        assertThat(comparable(first, a)).isEqualTo(comparable(second, b));

        // And the other way round: a newer webhook after an older backfill wins.
        Isolated c = isolated();
        backfill(c.workspace(), restReply(REPLY_ID, "Re: quick question", RECEIVED));
        handler(c.workspace()).handle(withReply(c.delivery("lead_interested.json"), 88500, "Re: follow-up", later), SECRET);
        assertThat(comparable(onlyRow(c.workspace()), c)).isEqualTo(comparable(first, a));
    }

    /** Row content with the per-test workspace/instance/host replaced by placeholders. */
    static Map<String, Object> comparable(Map<String, Object> row, Isolated iso) {
        Map<String, Object> m = content(row);
        m.put("workspace_name", "<workspace>");
        m.put("bison_instance", "<instance>");
        m.put("bison_conversation_url", String.valueOf(m.get("bison_conversation_url")).replace(iso.host(), "<host>"));
        return m;
    }

    @Test
    void concurrentDeliveriesOfTheSameLead_endWithTheNewestReply() throws Exception {
        Isolated iso = isolated();
        WebhookHandler h = handler(iso.workspace());
        String base = iso.delivery("lead_interested.json");
        List<Thread> threads = new ArrayList<>();
        List<WebhookOutcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 6; i++) {
            long id = REPLY_ID + i * 10L;
            String body = withReply(base, id, "Re: " + id, RECEIVED.plusSeconds(i));
            threads.add(new Thread(() -> outcomes.add(h.handle(body, SECRET))));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(outcomes).extracting(WebhookOutcome::status).containsOnly(Status.ACCEPTED).hasSize(6);
        Map<String, Object> row = onlyRow(iso.workspace());
        assertThat(row.get("bison_reply_id")).isEqualTo(88462);
        assertThat(row.get("email_subject")).isEqualTo("Re: 88462");
    }
}
