package io.github.bisonbackfill.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bisonbackfill.bison.CustomVariable;
import io.github.bisonbackfill.bison.KeyMode;
import io.github.bisonbackfill.bison.Lead;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.ScanResult;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static io.github.bisonbackfill.core.Replies.lead;
import static io.github.bisonbackfill.core.Replies.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientLeadMapperTest {
    static final Instant NOW = Instant.parse("2025-11-02T09:30:00Z");
    static final SourceWorkspace SOURCE = new SourceWorkspace("agency-main", URI.create("https://send.agency.example/api"),
            37, "O'Brien & Sons, LLC");
    final ClientLeadMapper mapper = ClientLeadMapper.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

    private ClientLeadRow mapOne(Reply r) {
        LeadDedupResult d = LeadDedup.apply(List.of(r));
        return mapper.map(d.leads().get(0), SOURCE);
    }

    @Test
    void map_referenceReply_fillsEveryColumn() {
        Lead lead = new Lead(730551L, "lu", "dana.ortiz@acme-logistics.example", "Dana", "Ortiz", "Acme Logistics",
                "Ops Director", "verified", List.of(new CustomVariable("phone", "555-0142")));
        Reply r = new Reply(88412, "3b1f6c2e-7a0d-4e51-9c1a-2f4e8d7b9a10", 730551L, lead, "Inbox", true, false,
                "Tracked Reply", "Re: quick question", Instant.parse("2025-10-14T17:03:21Z"), 412L, 1903L,
                "Dana Ortiz", "Dana.Ortiz@acme-logistics.example ", null, null, null);
        ClientLeadRow row = mapOne(r);
        assertThat(row).isEqualTo(new ClientLeadRow("dana.ortiz@acme-logistics.example", "O'Brien & Sons, LLC",
                "Dana", "Ortiz", "Acme Logistics", "Ops Director", "555-0142",
                List.of(new CustomVariable("phone", "555-0142")), Instant.parse("2025-10-14T17:03:21Z"),
                "Re: quick question", true, 88412, "3b1f6c2e-7a0d-4e51-9c1a-2f4e8d7b9a10", "730551", 37,
                "agency-main", "https://send.agency.example/inbox?reply_uuid=3b1f6c2e-7a0d-4e51-9c1a-2f4e8d7b9a10",
                NOW));
    }

    @Test
    void map_leadWithoutNames_splitsFromName_commaFormIsLastFirst() {
        Reply r = reply(1, lead(5, "dana@x.io", null, " "), "Ortiz, Dana", "dana@x.io");
        ClientLeadRow row = mapOne(r);
        assertThat(row.firstName()).isEqualTo("Dana");
        assertThat(row.lastName()).isEqualTo("Ortiz");
    }

    @Test
    void map_leadWithOnlyAFirstName_keepsTheLeadsValues_doesNotMixInFromName() {
        ClientLeadRow row = mapOne(reply(1, lead(5, "dana@x.io", "Dana", null), "Someone Else", "dana@x.io"));
        assertThat(row.firstName()).isEqualTo("Dana");
        assertThat(row.lastName()).isNull();
    }

    @Test
    void map_untrackedReplyWithoutLead_usesFromNameAndNullLeadFields() {
        ClientLeadRow row = mapOne(reply(2, null, "  José  María   García ", "JM@x.io"));
        assertThat(row.firstName()).isEqualTo("José");
        assertThat(row.lastName()).isEqualTo("María García");
        assertThat(row.company()).isNull();
        assertThat(row.bisonLeadId()).isNull();
        assertThat(row.customVariables()).isEmpty();
        assertThat(row.leadEmail()).isEqualTo("jm@x.io");
    }

    @Test
    void map_phone_firstMatchingNameWithADigit_caseInsensitive() {
        Lead lead = lead(5, "a@x.io", "A", "B", new CustomVariable("Website", "555"),
                new CustomVariable("Mobile Phone", "n/a"), new CustomVariable("CELL", "  "),
                new CustomVariable("Direct Phone", " +1 (555) 0100 "), new CustomVariable("phone", "555-0199"));
        assertThat(mapOne(reply(1, lead, null, null)).phone()).isEqualTo("+1 (555) 0100");
        assertThat(mapOne(reply(1, lead(5, "a@x.io", "A", "B", new CustomVariable("city", "12")), null, null)).phone()).isNull();
    }

    @Test
    void map_phone_matchesWordsOfTheName_notLettersInsideOtherWords() {
        Lead lead = lead(5, "a@x.io", "A", "B", new CustomVariable("cancelled_on", "2024-03-01"),
                new CustomVariable("Marcella's ref", "12"), new CustomVariable("phone_2", "555-0142"));
        assertThat(mapOne(reply(1, lead, null, null)).phone()).isEqualTo("555-0142");
        for (String name : new String[] {"Telephone", "cellphone", "Mobile Number", "PHONE", "cell"}) {
            assertThat(mapOne(reply(1, lead(5, "a@x.io", "A", "B", new CustomVariable(name, "555-0100")), null, null)).phone())
                    .as(name).isEqualTo("555-0100");
        }
    }

    @Test
    void map_textValues_areTrimmedBlankIsNullAndNulRemoved() {
        Lead lead = new Lead(5L, null, "a@x.io", "\u00A0Dana\u0000 ", "Ortiz", "  ", "\tCTO\n", null,
                List.of(new CustomVariable("note\u0000", "x\u0000y")));
        ClientLeadRow row = mapOne(reply(1, lead, null, null));
        assertThat(row.firstName()).isEqualTo("Dana");
        assertThat(row.company()).isNull();
        assertThat(row.title()).isEqualTo("CTO");
        assertThat(row.customVariables()).containsExactly(new CustomVariable("note", "xy"));
    }

    @Test
    void map_conversationUrl_keepsSchemeHostPort_dropsPathAndUserInfo() {
        assertThat(ClientLeadMapper.conversationUrl(URI.create("http://user:secret@127.0.0.1:8089/api"), "u-1"))
                .isEqualTo("http://127.0.0.1:8089/inbox?reply_uuid=u-1");
        Reply noUuid = new Reply(3, null, null, lead(5, "a@x.io", "A", "B"), null, true, false, null, null, null,
                null, null, null, null, null, null, null);
        assertThat(mapOne(noUuid).bisonConversationUrl()).isNull();
    }

    @Test
    void mapAll_sharesOneSyncInstant_andKeepsOrder() {
        LeadDedupResult d = LeadDedup.apply(List.of(reply(1, lead(1, "b@x.io", "B", "B"), null, null),
                reply(2, lead(2, "a@x.io", "A", "A"), null, null)));
        List<ClientLeadRow> rows = mapper.mapAll(d.leads(), SOURCE);
        assertThat(rows).extracting(ClientLeadRow::leadEmail).containsExactly("b@x.io", "a@x.io");
        assertThat(rows).extracting(ClientLeadRow::lastSyncedAt).containsOnly(NOW);
    }

    @Test
    void row_serialisesToSnakeCaseColumns_withPlainObjectMapper_nullsIncluded() throws Exception {
        ClientLeadRow row = mapOne(reply(1, lead(5, "a@x.io", "A", null, new CustomVariable("phone", "1")), null, null));
        JsonNode json = new ObjectMapper().valueToTree(row);
        assertThat(json.fieldNames()).toIterable().containsExactlyElementsOf(ClientLeadRow.COLUMNS);
        assertThat(json.get("last_name").isNull()).isTrue();
        assertThat(json.get("date_received").asText()).isEqualTo("2025-10-14T17:03:21Z");
        assertThat(json.get("last_synced_at").asText()).isEqualTo("2025-11-02T09:30:00Z");
        assertThat(json.get("custom_variables").toString()).isEqualTo("[{\"name\":\"phone\",\"value\":\"1\"}]");
        assertThat(json.get("bison_lead_id").asText()).isEqualTo("5");
        Map<String, Object> viaJackson = new ObjectMapper().convertValue(row, new com.fasterxml.jackson.core.type.TypeReference<>() { });
        assertThat(row.toMap()).isEqualTo(viaJackson);
    }

    @Test
    void sourceOf_scan_takesInstanceWorkspaceAndConfirmedName() {
        ScanResult scan = new ScanResult("agency-2", 12, "Harbor Insurance", KeyMode.API_USER_KEY, List.of(), 1, 0, 0, 0,
                0, 0, true, Duration.ZERO);
        assertThat(SourceWorkspace.of(scan, URI.create("https://dedi.emailbison.com")))
                .isEqualTo(new SourceWorkspace("agency-2", URI.create("https://dedi.emailbison.com"), 12, "Harbor Insurance"));
    }

    @Test
    void source_badBaseUrl_failsClearly() {
        assertThatThrownBy(() -> new SourceWorkspace("i", URI.create("ftp://x"), 1, "W"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http(s)");
        assertThatThrownBy(() -> new SourceWorkspace("i", URI.create("https://x"), 1, " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workspaceName");
    }
}
