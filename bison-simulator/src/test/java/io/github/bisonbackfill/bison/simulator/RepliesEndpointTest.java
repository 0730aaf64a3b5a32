package io.github.bisonbackfill.bison.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bisonbackfill.bison.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.github.bisonbackfill.bison.simulator.Http.get;
import static io.github.bisonbackfill.bison.simulator.Http.ok;
import static org.assertj.core.api.Assertions.assertThat;

class RepliesEndpointTest {

    static BisonSimulator sim;
    static SimulatedInstance main;
    static String key;

    @BeforeAll
    static void start() {
        sim = BisonSimulator.builder()
                .seed(11)
                .dataAnchor(Instant.parse("2025-11-01T00:00:00Z"))
                .instance("main", i -> i
                        .workspace(37, "O'Brien & Sons, LLC", 40, 25)
                        .workspace(12, "Café Ñandú", 3, 2))
                .start();
        main = sim.instance("main");
        key = main.superAdminKey();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static List<JsonNode> readAll(String query) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        int page = 1;
        int last;
        do {
            JsonNode body = ok(get(main.baseUrl(), "/api/replies?" + query + "&page=" + page, key));
            body.get("data").forEach(out::add);
            last = body.get("meta").get("last_page").asInt();
            page++;
        } while (page <= last);
        return out;
    }

    @Test
    void replies_pagesHoldFifteen_andPerPageIsIgnored() throws Exception {
        JsonNode body = ok(get(main.baseUrl(), "/api/replies?status=interested&folder=all&per_page=100", key));
        JsonNode meta = body.get("meta");
        assertThat(body.get("data")).hasSize(15);
        assertThat(meta.get("per_page").asInt()).isEqualTo(15);
        assertThat(meta.get("total").asInt()).isEqualTo(40);
        assertThat(meta.get("last_page").asInt()).isEqualTo(3);
        assertThat(meta.get("current_page").asInt()).isEqualTo(1);
        assertThat(meta.get("from").asInt()).isEqualTo(1);
        assertThat(meta.get("to").asInt()).isEqualTo(15);
        assertThat(meta.get("path").asText()).isEqualTo(main.baseUrl() + "/api/replies");
        assertThat(meta.get("links").isArray()).isTrue();
        assertThat(body.get("links").get("next").asText()).endsWith("/api/replies?page=2");
        assertThat(body.get("links").get("prev").isNull()).isTrue();

        JsonNode last = ok(get(main.baseUrl(), "/api/replies?status=interested&folder=all&page=3", key));
        assertThat(last.get("data")).hasSize(10);
        assertThat(last.get("meta").get("from").asInt()).isEqualTo(31);
        assertThat(last.get("meta").get("to").asInt()).isEqualTo(40);
        assertThat(last.get("links").get("next").isNull()).isTrue();

        JsonNode beyond = ok(get(main.baseUrl(), "/api/replies?status=interested&folder=all&page=9", key));
        assertThat(beyond.get("data")).isEmpty();
        assertThat(beyond.get("meta").get("from").isNull()).isTrue();
    }

    @Test
    void replies_fullScanEqualsGroundTruth_newestFirst() throws Exception {
        List<JsonNode> all = readAll("status=interested&folder=all");
        List<Long> ids = all.stream().map(n -> n.get("id").asLong()).toList();
        assertThat(ids).isEqualTo(main.interestedReplies(37).stream().map(Reply::id).toList());
        assertThat(ids).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(all).allMatch(n -> n.get("interested").asBoolean());
    }

    @Test
    void replies_replyOrder_servesOldestFirstOrAStableShuffle_perWorkspace() throws Exception {
        List<Long> truth = main.interestedReplies(37).stream().map(Reply::id).toList();
        List<Long> ascending = new ArrayList<>(truth);
        java.util.Collections.reverse(ascending);
        try {
            main.replyOrder(37, ReplyOrder.OLDEST_FIRST);
            List<Long> oldest = readAll("status=interested&folder=all").stream().map(n -> n.get("id").asLong()).toList();
            assertThat(oldest).isEqualTo(ascending);

            main.replyOrder(37, ReplyOrder.SHUFFLED);
            List<Long> shuffled = readAll("status=interested&folder=all").stream().map(n -> n.get("id").asLong()).toList();
            List<Long> again = readAll("status=interested&folder=all").stream().map(n -> n.get("id").asLong()).toList();
            assertThat(shuffled).as("stable between reads").isEqualTo(again);
            assertThat(shuffled).containsExactlyInAnyOrderElementsOf(truth).isNotEqualTo(truth)
                    .isNotEqualTo(ascending);
            // Ground truth stays newest first; other workspaces are untouched.
            assertThat(main.interestedReplies(37).stream().map(Reply::id).toList()).isEqualTo(truth);
            main.switchUserTo(12);
            List<Long> other = readAll("status=interested&folder=all").stream().map(n -> n.get("id").asLong()).toList();
            assertThat(other).isEqualTo(main.interestedReplies(12).stream().map(Reply::id).toList());
        } finally {
            main.switchUserTo(37);
            main.replyOrder(ReplyOrder.NEWEST_FIRST);
        }
        assertThat(readAll("status=interested&folder=all").stream().map(n -> n.get("id").asLong()).toList())
                .isEqualTo(truth);
    }

    @Test
    void replies_interestedOneIsIgnored_andReturnsEveryReply() throws Exception {
        JsonNode body = ok(get(main.baseUrl(), "/api/replies?interested=1&folder=all", key));
        assertThat(body.get("meta").get("total").asInt()).isEqualTo(65);
        List<JsonNode> all = readAll("interested=1&folder=all");
        assertThat(all).anyMatch(n -> !n.get("interested").asBoolean());
    }

    @Test
    void replies_statusFilters() throws Exception {
        List<Reply> truth = main.replies(37);
        long automated = truth.stream().filter(Reply::automatedReply).count();
        assertThat(automated).isPositive();
        assertThat(readAll("status=automated_reply&folder=all")).hasSize((int) automated)
                .allMatch(n -> n.get("automated_reply").asBoolean());
        assertThat(readAll("status=not_automated_reply&folder=all")).hasSize(truth.size() - (int) automated)
                .noneMatch(n -> n.get("automated_reply").asBoolean());
        Http.Result bad = get(main.baseUrl(), "/api/replies?status=positive", key);
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("errors").has("status")).isTrue();
    }

    @Test
    void replies_withoutFolder_serveTheInboxOnly() throws Exception {
        long inbox = main.replies(37).stream().filter(r -> r.folder().equals("Inbox")).count();
        JsonNode body = ok(get(main.baseUrl(), "/api/replies", key));
        assertThat(body.get("meta").get("total").asLong()).isEqualTo(inbox);
    }

    @Test
    void replies_haveEveryDocumentedField_andRealisticHostileData() throws Exception {
        List<JsonNode> all = readAll("folder=all");
        JsonNode first = all.get(0);
        for (String f : List.of("id", "uuid", "lead_id", "lead", "folder", "read", "interested", "automated_reply",
                "type", "subject", "html_body", "text_body", "raw_body", "date_received", "scheduled_email_id",
                "campaign_id", "sender_email_id", "from_name", "from_email_address", "primary_to_email_address",
                "to", "cc", "bcc", "parent_id", "attachments", "created_at", "updated_at", "raw_message_id")) {
            assertThat(first.has(f)).as("field %s", f).isTrue();
        }
        assertThat(first.get("date_received").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(all).anyMatch(n -> n.get("lead_id").isNull() && n.get("lead").isNull()
                && n.get("type").asText().equals("Untracked Reply"));
        assertThat(all).anyMatch(n -> n.get("lead").isObject() && n.get("lead").size() == 2);
        assertThat(all).anyMatch(n -> {
            String e = n.get("from_email_address").asText();
            return !e.equals(e.trim()) || !e.equals(e.toLowerCase());
        });
        assertThat(all).anyMatch(n -> n.get("from_name").isTextual() && n.get("from_name").asText().contains(","));
        assertThat(all).anyMatch(n -> n.get("lead").isObject() && n.get("lead").has("custom_variables")
                && n.get("lead").get("custom_variables").toString().toLowerCase().matches(".*(phone|mobile|cell).*"));
        Map<Long, Long> perLead = new HashMap<>();
        main.interestedReplies(37).stream().filter(r -> r.leadId() != null)
                .forEach(r -> perLead.merge(r.leadId(), 1L, Long::sum));
        assertThat(perLead.values()).as("a lead replied several times").anyMatch(n -> n > 1);
        assertThat(main.interestedEmails(37)).hasSizeLessThan(40);
    }

    @Test
    void replies_sameSeed_sameData() {
        try (BisonSimulator again = BisonSimulator.builder()
                .seed(11)
                .dataAnchor(Instant.parse("2025-11-01T00:00:00Z"))
                .instance("main", i -> i
                        .workspace(37, "O'Brien & Sons, LLC", 40, 25)
                        .workspace(12, "Café Ñandú", 3, 2))
                .start()) {
            assertThat(again.instance("main").replies(37)).isEqualTo(main.replies(37));
            assertThat(again.instance("main").superAdminKey()).isEqualTo(main.superAdminKey());
        }
    }

    @Test
    void replies_workspaceIdQueryParameterIsIgnored() throws Exception {
        JsonNode body = ok(get(main.baseUrl(), "/api/replies?folder=all&workspace_id=12", key));
        long current = main.currentWorkspaceId();
        assertThat(body.get("meta").get("total").asInt()).isEqualTo(main.replies(current).size());
        assertThat(current).isEqualTo(37);
    }

    @Test
    void replies_datesSpreadOverMonths() {
        List<Instant> dates = main.replies(37).stream().map(Reply::dateReceived).collect(Collectors.toList());
        Instant min = dates.stream().min(Instant::compareTo).orElseThrow();
        Instant max = dates.stream().max(Instant::compareTo).orElseThrow();
        assertThat(java.time.Duration.between(min, max).toDays()).isGreaterThan(60);
        assertThat(max).isBeforeOrEqualTo(Instant.parse("2025-11-01T00:00:00Z"));
    }
}
