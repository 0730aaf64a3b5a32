package io.github.bisonbackfill.examples.seed;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bisonbackfill.bison.CustomVariable;
import io.github.bisonbackfill.bison.Lead;
import io.github.bisonbackfill.bison.Reply;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's own reading of a replies page: the fields it used, taken as they come (no validation
 * beyond what a script would trip over). Package-private: only {@link SeedProcedure} uses it.
 */
final class SeedReplies {
    private SeedReplies() {
    }

    static List<Reply> parse(JsonNode page) {
        JsonNode data = page.path("data");
        if (!data.isArray()) {
            throw new IllegalArgumentException("no data array in the replies page");
        }
        List<Reply> replies = new ArrayList<>(data.size());
        for (JsonNode r : data) {
            replies.add(new Reply(r.path("id").asLong(), text(r, "uuid"), longOrNull(r, "lead_id"), lead(r.path("lead")),
                    text(r, "folder"), r.path("interested").asBoolean(false), r.path("automated_reply").asBoolean(false),
                    text(r, "type"), text(r, "subject"), instant(r, "date_received"), longOrNull(r, "campaign_id"),
                    longOrNull(r, "sender_email_id"), text(r, "from_name"), text(r, "from_email_address"),
                    text(r, "primary_to_email_address"), instant(r, "created_at"), instant(r, "updated_at")));
        }
        return replies;
    }

    static int lastPage(JsonNode page) {
        return page.path("meta").path("last_page").asInt(1);
    }

    private static Lead lead(JsonNode l) {
        if (!l.isObject()) {
            return null;
        }
        List<CustomVariable> vars = new ArrayList<>();
        for (JsonNode v : l.path("custom_variables")) {
            vars.add(new CustomVariable(text(v, "name"), text(v, "value")));
        }
        return new Lead(longOrNull(l, "id"), text(l, "uuid"), text(l, "email"), text(l, "first_name"),
                text(l, "last_name"), text(l, "company"), text(l, "title"), text(l, "status"), vars);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Long longOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asLong();
    }

    private static Instant instant(JsonNode n, String field) {
        String v = text(n, field);
        return v == null ? null : Instant.parse(v);
    }
}
