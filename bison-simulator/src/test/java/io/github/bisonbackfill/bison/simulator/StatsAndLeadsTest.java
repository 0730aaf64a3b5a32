package io.github.bisonbackfill.bison.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bisonbackfill.bison.Lead;
import io.github.bisonbackfill.bison.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

import static io.github.bisonbackfill.bison.simulator.Http.get;
import static io.github.bisonbackfill.bison.simulator.Http.ok;
import static org.assertj.core.api.Assertions.assertThat;

class StatsAndLeadsTest {

    static BisonSimulator sim;
    static SimulatedInstance main;

    @BeforeAll
    static void start() {
        sim = BisonSimulator.builder().dataAnchor(Instant.parse("2025-11-01T00:00:00Z"))
                .instance("main", i -> i.workspace(37, "Harbor Insurance", 60, 20).workspace(12, "Café Ñandú", 10, 5))
                .start();
        main = sim.instance("main");
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void stats_countInterestedRepliesInRange_asStrings() throws Exception {
        LocalDate start = LocalDate.parse("2025-08-01");
        LocalDate end = LocalDate.parse("2025-10-31");
        long expected = main.interestedReplies(37).stream().filter(r -> {
            LocalDate d = r.dateReceived().atZone(ZoneOffset.UTC).toLocalDate();
            return !d.isBefore(start) && !d.isAfter(end);
        }).count();
        assertThat(expected).isPositive();
        JsonNode data = ok(get(main.baseUrl(), "/api/workspaces/v1.1/stats?start_date=" + start + "&end_date=" + end,
                main.superAdminKey())).get("data");
        assertThat(data.get("interested").isTextual()).isTrue();
        assertThat(data.get("interested").asText()).isEqualTo(String.valueOf(expected));
        for (String f : new String[]{"emails_sent", "total_leads_contacted", "opened", "unique_replies_per_contact",
                "bounced", "unsubscribed", "interested"}) {
            assertThat(data.get(f).isTextual()).as(f).isTrue();
            assertThat(data.get(f + "_percentage").isTextual()).as(f + "_percentage").isTrue();
        }
    }

    @Test
    void stats_interestedCountsReplies_notUniqueLeads() throws Exception {
        JsonNode data = ok(get(main.baseUrl(), "/api/workspaces/v1.1/stats?start_date=2020-01-01&end_date=2030-01-01",
                main.superAdminKey())).get("data");
        assertThat(Long.parseLong(data.get("interested").asText())).isEqualTo(60)
                .isGreaterThan(main.interestedEmails(37).size());
    }

    @Test
    void stats_requireBothDates() throws Exception {
        Http.Result r = get(main.baseUrl(), "/api/workspaces/v1.1/stats?start_date=2025-01-01", main.superAdminKey());
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("errors").has("end_date")).isTrue();
        assertThat(get(main.baseUrl(), "/api/workspaces/v1.1/stats", main.superAdminKey()).status()).isEqualTo(422);
        assertThat(get(main.baseUrl(), "/api/workspaces/v1.1/stats?start_date=2025-13-01&end_date=2025-01-01",
                main.superAdminKey()).status()).isEqualTo(422);
    }

    @Test
    void lead_byIdAndByEmail_inTheCurrentWorkspace() throws Exception {
        Reply tracked = main.interestedReplies(37).stream().filter(r -> r.leadId() != null).findFirst().orElseThrow();
        Lead truth = main.lead(tracked.leadId()).orElseThrow();
        JsonNode data = ok(get(main.baseUrl(), "/api/leads/" + truth.id(), main.superAdminKey())).get("data");
        assertThat(data.get("email").asText()).isEqualTo(truth.email());
        assertThat(data.get("first_name").asText()).isEqualTo(truth.firstName());
        assertThat(data.has("custom_variables")).isTrue();
        assertThat(data.has("overall_stats")).isTrue();
        String email = URLEncoder.encode(truth.email().trim().toUpperCase(), StandardCharsets.UTF_8);
        assertThat(ok(get(main.baseUrl(), "/api/leads/" + email, main.superAdminKey())).get("data").get("id").asLong())
                .isEqualTo(truth.id());
    }

    @Test
    void lead_ofAnotherWorkspace_is403_unknownIs404() throws Exception {
        Reply other = main.interestedReplies(12).stream().filter(r -> r.leadId() != null).findFirst().orElseThrow();
        Http.Result r = get(main.baseUrl(), "/api/leads/" + other.leadId(), main.superAdminKey());
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text()).contains("The api key does not match the workspace the record is on");
        assertThat(get(main.baseUrl(), "/api/leads/" + other.leadId(), main.mintApiUserKey(12)).status()).isEqualTo(200);
        assertThat(get(main.baseUrl(), "/api/leads/999999", main.superAdminKey()).status()).isEqualTo(404);
    }
}
