package io.github.bisonbackfill.bison;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BisonRepliesTest {
    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS).build();

    private static JsonNode json(String text) throws IOException {
        return LENIENT.readTree(text);
    }

    private static JsonNode fixture(String name) throws IOException {
        try (InputStream in = BisonRepliesTest.class.getResourceAsStream("/fixtures/webhook/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return LENIENT.readTree(in);
        }
    }

    @Test
    void readReply_restShape_readsSubjectAndTheNestedLead() throws IOException {
        Reply r = BisonReplies.readReply(json("""
                {"id": 88412, "uuid": "u-1", "folder": "Inbox", "subject": "Re: quick question",
                 "interested": true, "automated_reply": false, "text_body": "ignored",
                 "date_received": "2025-10-14T17:03:21.000000Z", "campaign_id": 412, "sender_email_id": 1903,
                 "lead_id": 730551, "primary_to_email_address": "sales@agency.example",
                 "created_at": "2025-10-14T17:03:22+02:00", "unknown_field": {"x": 1},
                 "lead": {"id": 730551, "email": "dana@acme.example",
                          "custom_variables": [{"name": "phone", "value": "555-0142"}]}}
                """), null);

        assertThat(r.id()).isEqualTo(88412);
        assertThat(r.subject()).isEqualTo("Re: quick question");
        assertThat(r.interested()).isTrue();
        assertThat(r.automatedReply()).isFalse();
        assertThat(r.dateReceived()).isEqualTo(Instant.parse("2025-10-14T17:03:21Z"));
        assertThat(r.createdAt()).isEqualTo(Instant.parse("2025-10-14T15:03:22Z"));
        assertThat(r.campaignId()).isEqualTo(412L);
        assertThat(r.senderEmailId()).isEqualTo(1903L);
        assertThat(r.leadId()).isEqualTo(730551L);
        assertThat(r.primaryToEmailAddress()).isEqualTo("sales@agency.example");
        assertThat(r.lead().id()).isEqualTo(730551L);
        assertThat(r.lead().email()).isEqualTo("dana@acme.example");
        assertThat(r.lead().customVariables()).containsExactly(new CustomVariable("phone", "555-0142"));
    }

    @Test
    void readReply_webhookShape_takesEmailSubjectStringNumbersAndTheLeadGivenBeside() throws IOException {
        JsonNode delivery = fixture("reply-and-lead.json");

        Reply r = BisonReplies.readReply(delivery.get("reply"), delivery.get("lead"));

        assertThat(r.id()).isEqualTo(88412);
        assertThat(r.subject()).isEqualTo("Re: quick question");
        assertThat(r.interested()).as("\"1\" is true").isTrue();
        assertThat(r.automatedReply()).as("0 is false").isFalse();
        assertThat(r.leadId()).as("\" 730,551 \"").isEqualTo(730551L);
        assertThat(r.dateReceived()).as("SQL form, UTC").isEqualTo(Instant.parse("2025-10-14T17:03:21Z"));
        assertThat(r.campaignId()).isNull();
        assertThat(r.fromName()).isEqualTo("Ortiz, Dana");
        assertThat(r.fromEmailAddress()).as("kept as sent").isEqualTo("Dana.Ortiz@acme-logistics.example ");
        assertThat(r.lead().id()).as("the lead beside wins over the nested one").isEqualTo(730551L);
        assertThat(r.lead().email()).isEqualTo(" Dana.Ortiz@Acme-Logistics.example");
        assertThat(r.lead().company()).isEqualTo("Acme Logistics, Inc.");
        assertThat(r.lead().customVariables())
                .containsExactly(new CustomVariable("phone", "555-0142"), new CustomVariable("seats", "12"));
    }

    @Test
    void readReply_withAJsonNullLead_usesTheNestedOne_andWithoutAnyHasNoLead() throws IOException {
        JsonNode delivery = json("{\"reply\": {\"id\": 5, \"lead\": {\"id\": \"9\"}}, \"lead\": null}");
        assertThat(BisonReplies.readReply(delivery.get("reply"), delivery.get("lead")).lead().id()).isEqualTo(9L);
        assertThat(BisonReplies.readReply(delivery.get("reply"), delivery.path("absent")).lead().id()).isEqualTo(9L);
        assertThat(BisonReplies.readReply(json("{\"id\": 5}"), null).lead()).isNull();
    }

    @Test
    void readReply_toleratesControlCharactersInText() throws IOException {
        // Raw (unescaped) control characters inside strings, as reply bodies have carried.
        Reply r = BisonReplies.readReply(json("{\"id\": 1, \"email_subject\": \"Re:\u0007 hi\u0001\","
                + " \"text_body\": \"line1\u000bline2\"}"), null);
        assertThat(r.subject()).isEqualTo("Re:\u0007 hi\u0001");
    }

    @Test
    void readReply_badDate_failsNamingTheFieldAndTheValue() throws IOException {
        assertThatThrownBy(() -> BisonReplies.readReply(json("{\"id\": 1, \"date_received\": \" last Tuesday \"}"), null))
                .isInstanceOfSatisfying(BisonJsonShapeException.class, e -> {
                    assertThat(e.field()).isEqualTo("date_received");
                    assertThat(e.problem()).isEqualTo("is not a date-time");
                    assertThat(e.value()).hasValue("last Tuesday");
                    assertThat(e.getMessage()).isEqualTo("\"date_received\" is not a date-time: \"last Tuesday\"");
                })
                .isInstanceOf(BisonException.class);
    }

    @Test
    void readReply_shapeProblems_nameTheFieldRelativeToTheReply() throws IOException {
        assertThatThrownBy(() -> BisonReplies.readReply(json("{\"uuid\": \"x\"}"), null))
                .isInstanceOfSatisfying(BisonJsonShapeException.class, e -> {
                    assertThat(e.field()).isEqualTo("id");
                    assertThat(e.problem()).isEqualTo("is missing");
                    assertThat(e.value()).isEmpty();
                });
        assertThatThrownBy(() -> BisonReplies.readReply(json("{\"id\": \"88412abc\"}"), null))
                .isInstanceOfSatisfying(BisonJsonShapeException.class, e -> {
                    assertThat(e.field()).isEqualTo("id");
                    assertThat(e.problem()).isEqualTo("is not a whole number");
                    assertThat(e.value()).hasValue("88412abc");
                });
        assertThatThrownBy(() -> BisonReplies.readReply(json("{\"id\": 1, \"interested\": \"maybe\"}"), null))
                .isInstanceOfSatisfying(BisonJsonShapeException.class,
                        e -> assertThat(e.field()).isEqualTo("interested"));
        assertThatThrownBy(() -> BisonReplies.readReply(json("{\"id\": 1}"), json("{\"id\": \"x\"}")))
                .isInstanceOfSatisfying(BisonJsonShapeException.class, e -> {
                    assertThat(e.field()).isEqualTo("lead.id");
                    assertThat(e.getMessage()).isEqualTo("\"lead.id\" is not a whole number: \"x\"");
                });
        assertThatThrownBy(() -> BisonReplies.readReply(json("{\"id\": 1, \"lead\": {\"id\": true}}"), null))
                .isInstanceOfSatisfying(BisonJsonShapeException.class, e -> {
                    assertThat(e.field()).isEqualTo("lead.id");
                    assertThat(e.problem()).isEqualTo("is not a number (got BOOLEAN)");
                });
        assertThatThrownBy(() -> BisonReplies.readReply(json("{\"id\": 1}"), json("[1]")))
                .isInstanceOfSatisfying(BisonJsonShapeException.class, e -> assertThat(e.field()).isEqualTo("lead"));
        assertThatThrownBy(() -> BisonReplies.readReply(json("[]"), null))
                .isInstanceOfSatisfying(BisonJsonShapeException.class, e -> assertThat(e.field()).isEmpty());
    }

    @Test
    void readLong_readsNumbersAsSent_andRefusesOthers() throws IOException {
        JsonNode n = json("{\"a\": 37, \"b\": \" 1,903 \", \"c\": \"\", \"d\": null, \"e\": \"3.5\", \"f\": \"12.0\"}");
        assertThat(BisonReplies.readLong(n, "a")).isEqualTo(37L);
        assertThat(BisonReplies.readLong(n, "b")).isEqualTo(1903L);
        assertThat(BisonReplies.readLong(n, "c")).isNull();
        assertThat(BisonReplies.readLong(n, "d")).isNull();
        assertThat(BisonReplies.readLong(n, "absent")).isNull();
        assertThat(BisonReplies.readLong(n, "f")).isEqualTo(12L);
        assertThatThrownBy(() -> BisonReplies.readLong(n, "e"))
                .isInstanceOfSatisfying(BisonJsonShapeException.class, e -> {
                    assertThat(e.field()).isEqualTo("e");
                    assertThat(e.value()).hasValue("3.5");
                });
    }

    @Test
    void readReply_dateTimesInTheFormsLaravelAndPhpWrite_allRead() throws IOException {
        Instant t = Instant.parse("2025-10-14T17:03:21Z");
        for (String v : new String[] {"2025-10-14T17:03:21.000000Z", "2025-10-14T17:03:21Z", "2025-10-14T17:03:21+00:00",
                "2025-10-14T17:03:21+0000", "2025-10-14T19:03:21+02:00", "2025-10-14T19:03:21+0200",
                "2025-10-14 17:03:21", "2025-10-14 17:03:21.000", "2025-10-14T17:03:21", "2025-10-14T12:03:21-05",
                "1760461401", "1760461401000"}) {
            assertThat(BisonReplies.readReply(json("{\"id\": 1, \"date_received\": \"" + v + "\"}"), null).dateReceived())
                    .as(v).isEqualTo(t);
        }
        assertThat(BisonReplies.readReply(json("{\"id\": 1, \"created_at\": 1760461401}"), null).createdAt()).isEqualTo(t);
        assertThat(BisonReplies.readReply(json("{\"id\": 1, \"created_at\": \"2025-10-14\"}"), null).createdAt())
                .isEqualTo(Instant.parse("2025-10-14T00:00:00Z"));
        assertThat(BisonReplies.readReply(json("{\"id\": 1, \"date_received\": \"2025-10-14T17:03:21.123456789Z\"}"), null)
                .dateReceived()).isEqualTo(Instant.parse("2025-10-14T17:03:21.123456789Z"));
        assertThatThrownBy(() -> BisonReplies.readReply(json("{\"id\": 1, \"created_at\": 12345}"), null))
                .isInstanceOf(BisonJsonShapeException.class).hasMessageContaining("created_at");
    }

    @Test
    void readReply_booleansAsYesNo_areRead_andAnObjectIsAShapeError() throws IOException {
        assertThat(BisonReplies.readReply(json("{\"id\": 1, \"interested\": \"Yes\"}"), null).interested()).isTrue();
        assertThat(BisonReplies.readReply(json("{\"id\": 1, \"automated_reply\": \"no\"}"), null).automatedReply()).isFalse();
        assertThatThrownBy(() -> BisonReplies.readReply(json("{\"id\": 1, \"interested\": {\"v\": true}}"), null))
                .isInstanceOf(BisonJsonShapeException.class).hasMessageContaining("interested");
    }

    @Test
    void readReply_customVariablesEncodedTwice_areRead_andAStringThatIsNotJsonIsKeptWhole() throws IOException {
        Reply r = BisonReplies.readReply(json("{\"id\": 1, \"lead\": {\"id\": 2, \"custom_variables\":"
                + " \"[{\\\"name\\\": \\\"phone\\\", \\\"value\\\": \\\"555-0142\\\"}]\"}}"), null);
        assertThat(r.lead().customVariables()).containsExactly(new CustomVariable("phone", "555-0142"));
        Reply odd = BisonReplies.readReply(json("{\"id\": 1, \"lead\": {\"id\": 2, \"custom_variables\": \"call after 5\"}}"), null);
        assertThat(odd.lead().customVariables()).containsExactly(new CustomVariable("custom_variables", "call after 5"));
    }
}
