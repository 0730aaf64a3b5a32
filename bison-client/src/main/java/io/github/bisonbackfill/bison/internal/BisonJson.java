package io.github.bisonbackfill.bison.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.bisonbackfill.bison.BisonJsonShapeException;
import io.github.bisonbackfill.bison.BisonMalformedResponseException;
import io.github.bisonbackfill.bison.CustomVariable;
import io.github.bisonbackfill.bison.Lead;
import io.github.bisonbackfill.bison.MintedKey;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.Workspace;
import io.github.bisonbackfill.bison.WorkspaceStats;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Lenient reading of Email Bison's JSON: unknown fields ignored, numbers accepted as strings, nulls
 * tolerated, unescaped control characters accepted. A value of the wrong shape is a
 * {@link BisonJsonShapeException} naming the field; {@link #read} turns it (and a body that is not
 * JSON) into a {@link BisonMalformedResponseException} with the endpoint and a redacted excerpt. The
 * reply and lead mappings are static: {@link io.github.bisonbackfill.bison.BisonReplies} exposes them
 * to the webhook path. Thread-safe.
 */
public final class BisonJson {
    private static final int EXCERPT = 200;
    /**
     * The date-times Laravel and PHP produce: a date, {@code T} or a space, a time with 0–9 fraction
     * digits, and an optional offset written {@code Z}, {@code +00:00}, {@code +0000} or {@code +00}
     * (none: UTC, Laravel's zone-less form).
     */
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);

    /** Thread-safe once built; also reads JSON nested in a string (custom variables encoded twice). */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // Reply bodies have been seen with raw control characters that strict parsers reject.
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .build();
    private final Redactor redactor;

    /**
     * Creates the reader.
     *
     * @param redactor removes keys from excerpts
     */
    public BisonJson(Redactor redactor) {
        this.redactor = redactor;
    }

    /** The user a key acts as and their current workspace ({@code team}), which may be unknown. */
    public record CurrentUser(long userId, @Nullable Long teamId, @Nullable String teamName) {
        /** Returns e.g. {@code 12 (Acme)} or {@code none}. */
        public String describeTeam() {
            return teamId == null ? "none" : teamId + (teamName == null ? "" : " (" + teamName + ")");
        }
    }

    /** One page of replies: the interested ones mapped, the ids of all of them kept for the tripwire. */
    public record RepliesPage(int page, int lastPage, long total, List<Reply> interested, long[] replyIds) {
        /** Returns how many replies the page held before the {@code interested} filter. */
        public int seen() {
            return replyIds.length;
        }
    }

    /** Returns the JSON for a body (a request body the client sends). */
    public byte[] write(Map<String, ?> body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a request body", e);
        }
    }

    /**
     * Parses a body and maps it.
     *
     * @throws BisonMalformedResponseException if the body is not JSON or lacks what the mapper needs
     */
    public <T> T read(byte[] body, Endpoint endpoint, Function<JsonNode, T> mapping) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            long offset = at == null ? -1 : at.getByteOffset() >= 0 ? at.getByteOffset() : at.getCharOffset();
            throw malformed(endpoint, "response is not valid JSON (" + e.getOriginalMessage() + ")", body, offset, e);
        } catch (IOException e) {
            throw malformed(endpoint, "response could not be read as JSON", body, -1, e);
        }
        if (root == null || root.isMissingNode()) {
            throw malformed(endpoint, "response body is empty", body, -1, null);
        }
        try {
            return mapping.apply(root);
        } catch (BisonJsonShapeException e) {
            throw malformed(endpoint, e.getMessage(), body, -1, e);
        }
    }

    private BisonMalformedResponseException malformed(Endpoint endpoint, String problem, byte[] body, long offset,
                                                      Throwable cause) {
        String text = new String(body, StandardCharsets.UTF_8);
        int from = offset > 60 && offset <= text.length() ? (int) offset - 60 : 0;
        String excerpt = (from > 0 ? "..." : "") + redactor.excerpt(text.substring(from), EXCERPT);
        String message = endpoint.describeWithWorkspace() + ": malformed response: " + redactor.redact(problem)
                + "; body starts " + (from > 0 ? "near the error " : "") + "\"" + excerpt + "\"";
        return new BisonMalformedResponseException(message, endpoint.describe(), endpoint.page(),
                endpoint.workspaceId(), excerpt, cause);
    }

    // ---- mappings ------------------------------------------------------------------------------

    /**
     * Maps {@code GET /api/replies}: {@code data} and {@code meta.last_page}/{@code meta.total} required.
     * Also accepted: {@code data} as an object of index → reply (a PHP collection filtered without
     * {@code values()}) and the paginator's fields at the top level instead of in {@code meta}
     * (a bare {@code paginate()}). A {@code current_page} other than the page asked for is refused:
     * a server or proxy that ignores {@code page=} would otherwise serve page 1 again and again.
     */
    public RepliesPage repliesPage(JsonNode root, int requestedPage) {
        JsonNode data = root.get("data");
        if (data == null || !(data.isArray() || data.isObject())) {
            throw new BisonJsonShapeException("expected a \"data\" array", "data", "is not an array", null);
        }
        JsonNode meta = root.get("meta");
        if (meta == null && root.has("last_page") && root.has("total")) {
            meta = root;
        }
        if (meta == null || !meta.isObject()) {
            throw new BisonJsonShapeException("expected a \"meta\" object (pagination)", "meta", "is not an object", null);
        }
        Long lastPage = longOrNull(meta, "last_page");
        Long total = longOrNull(meta, "total");
        if (lastPage == null || lastPage < 0 || lastPage > Integer.MAX_VALUE) {
            throw new BisonJsonShapeException("meta.last_page is missing or invalid", "meta.last_page", "is missing or invalid", null);
        }
        if (total == null || total < 0) {
            throw new BisonJsonShapeException("meta.total is missing or invalid", "meta.total", "is missing or invalid", null);
        }
        Long currentPage = longOrNull(meta, "current_page");
        if (currentPage != null && currentPage != requestedPage) {
            throw new BisonJsonShapeException("page " + requestedPage + " was asked for but meta.current_page is "
                    + currentPage + " (is the page parameter being dropped on the way?)", "meta.current_page",
                    "is not the page asked for", Long.toString(currentPage));
        }
        List<Reply> interested = new ArrayList<>();
        long[] ids = new long[data.size()];
        int i = 0;
        for (JsonNode item : data) {
            Reply reply = reply(item, null);
            ids[i++] = reply.id();
            if (reply.interested()) {
                interested.add(reply);
            }
        }
        return new RepliesPage(requestedPage, lastPage.intValue(), total, List.copyOf(interested), ids);
    }

    /**
     * Maps one reply object; only {@code id} is required. The subject is the webhook's
     * {@code email_subject}, else {@code subject} (the REST name). The lead is {@code lead} when given (the webhook sends it
     * beside the reply), else the reply's nested {@code lead} object, else {@code null}; a problem in
     * it names the field as {@code lead.<field>}.
     *
     * @param n    the reply object
     * @param lead the lead object sent beside the reply, or {@code null} (or a JSON null) to use the
     *             nested one
     * @throws BisonJsonShapeException if {@code n} is not an object, has no {@code id}, a field has the
     *                                 wrong kind, or {@code lead} is given but not an object
     */
    public static Reply reply(JsonNode n, @Nullable JsonNode lead) {
        if (n == null || !n.isObject()) {
            throw new BisonJsonShapeException("expected a reply object", "", "is not an object", null);
        }
        Long id = longOrNull(n, "id");
        if (id == null) {
            throw new BisonJsonShapeException("a reply has no \"id\"", "id", "is missing", null);
        }
        JsonNode leadNode = n.get("lead");
        if (lead != null && !lead.isNull() && !lead.isMissingNode()) {
            if (!lead.isObject()) {
                throw new BisonJsonShapeException("lead", "is not an object (got " + lead.getNodeType() + ")", null);
            }
            leadNode = lead;
        }
        Lead mapped = leadNode != null && leadNode.isObject() ? nestedLead(leadNode) : null;
        // The webhook's reply calls the subject email_subject; the REST one, subject.
        String subject = text(n, "email_subject");
        return new Reply(id, text(n, "uuid"), longOrNull(n, "lead_id"), mapped, text(n, "folder"),
                bool(n, "interested"), bool(n, "automated_reply"), text(n, "type"),
                subject != null ? subject : text(n, "subject"),
                instant(n, "date_received"), longOrNull(n, "campaign_id"), longOrNull(n, "sender_email_id"),
                text(n, "from_name"), text(n, "from_email_address"), text(n, "primary_to_email_address"),
                instant(n, "created_at"), instant(n, "updated_at"));
    }

    private static Lead nestedLead(JsonNode n) {
        try {
            return lead(n);
        } catch (BisonJsonShapeException e) {
            throw new BisonJsonShapeException(e.field().isEmpty() ? "lead" : "lead." + e.field(), e.problem(),
                    e.value().orElse(null));
        }
    }

    /**
     * Maps a lead object (nested in a reply or {@code data} of {@code GET /api/leads/{id}}).
     *
     * @throws BisonJsonShapeException if a field has the wrong kind
     */
    public static Lead lead(JsonNode n) {
        List<CustomVariable> vars = new ArrayList<>();
        JsonNode cv = n.get("custom_variables");
        if (cv != null && cv.isTextual() && !cv.textValue().isBlank()) {
            // Sometimes JSON-encoded twice (a string holding the array); kept whole when it is not JSON.
            JsonNode parsed = null;
            try {
                parsed = MAPPER.readTree(cv.textValue());
            } catch (JsonProcessingException notJson) {
                // kept whole below
            }
            if (parsed != null && (parsed.isArray() || parsed.isObject())) {
                cv = parsed;
            } else {
                vars.add(new CustomVariable("custom_variables", cv.textValue()));
            }
        }
        if (cv != null && cv.isArray()) {
            for (JsonNode v : cv) {
                if (v != null && v.isObject()) {
                    vars.add(new CustomVariable(text(v, "name"), text(v, "value")));
                }
            }
        } else if (cv != null && cv.isObject()) {
            for (Map.Entry<String, JsonNode> e : cv.properties()) {
                vars.add(new CustomVariable(e.getKey(), scalarText(e.getValue())));
            }
        }
        return new Lead(longOrNull(n, "id"), text(n, "uuid"), text(n, "email"), text(n, "first_name"),
                text(n, "last_name"), text(n, "company"), text(n, "title"), text(n, "status"), vars);
    }

    /** Maps {@code GET /api/leads/{id}}: the lead is {@code data}. */
    public Lead leadResponse(JsonNode root) {
        return lead(object(root, "data"));
    }

    /**
     * Maps {@code GET /api/users}: {@code data.id} required; the current workspace from
     * {@code data.team}, else Laravel Jetstream's {@code data.current_team} /
     * {@code data.current_team_id} (the read-back's shape is inferred, not documented). Sources that
     * disagree prove nothing: the workspace is then unknown, which verification treats as "not the
     * target".
     */
    public CurrentUser currentUser(JsonNode root) {
        JsonNode data = object(root, "data");
        Long userId = longOrNull(data, "id");
        if (userId == null) {
            throw new BisonJsonShapeException("data.id (the user) is missing", "data.id", "is missing", null);
        }
        // Every source present must agree: data.team, data.current_team and data.current_team_id.
        Long teamId = null;
        String teamName = null;
        for (String field : new String[] {"team", "current_team", "current_team_id"}) {
            JsonNode node = data.get(field);
            Long id;
            String name = null;
            if (node != null && node.isObject()) {
                id = longOrNull(node, "id");
                name = text(node, "name");
            } else if (field.equals("current_team_id")) {
                id = longOrNull(data, field);
            } else {
                continue;
            }
            if (id == null) {
                continue;
            }
            if (teamId != null && !teamId.equals(id)) {
                return new CurrentUser(userId, null, null);
            }
            if (teamId == null) {
                teamId = id;
                teamName = name;
            } else if (teamName == null) {
                teamName = name;
            }
        }
        return new CurrentUser(userId, teamId, teamName);
    }

    /** Maps {@code GET /api/workspaces/v1.1}. */
    public List<Workspace> workspaces(JsonNode root) {
        JsonNode data = root.get("data");
        if (data == null || !data.isArray()) {
            throw new BisonJsonShapeException("expected a \"data\" array of workspaces", "data", "is not an array", null);
        }
        List<Workspace> out = new ArrayList<>();
        for (JsonNode n : data) {
            Long id = n == null ? null : longOrNull(n, "id");
            if (id == null) {
                throw new BisonJsonShapeException("a workspace has no \"id\"", "data[].id", "is missing", null);
            }
            String name = text(n, "name");
            out.add(new Workspace(id, name == null ? "" : name));
        }
        return List.copyOf(out);
    }

    /** Maps {@code GET /api/workspaces/v1.1/stats}; absent or null counts read as 0. */
    public WorkspaceStats stats(JsonNode root, long workspaceId, LocalDate start, LocalDate end) {
        JsonNode d = object(root, "data");
        return new WorkspaceStats(workspaceId, start, end, count(d, "emails_sent"), count(d, "total_leads_contacted"),
                count(d, "opened"), count(d, "unique_replies_per_contact"), count(d, "bounced"),
                count(d, "unsubscribed"), count(d, "interested"));
    }

    /** Maps {@code POST /api/workspaces/v1.1/{id}/api-tokens}: {@code data.plain_text_token} required. */
    public MintedKey mintedKey(JsonNode root, long workspaceId, String requestedName) {
        JsonNode d = object(root, "data");
        String token = text(d, "plain_text_token");
        if (token == null || token.isBlank()) {
            throw new BisonJsonShapeException("data.plain_text_token is missing", "data.plain_text_token", "is missing", null);
        }
        Long id = longOrNull(d, "id");
        String name = text(d, "name");
        return new MintedKey(id == null ? 0 : id, name == null ? requestedName : name, workspaceId, token);
    }

    // ---- lenient scalars -----------------------------------------------------------------------

    private static JsonNode object(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isObject()) {
            throw new BisonJsonShapeException("expected a \"" + field + "\" object", field, "is not an object", null);
        }
        return n;
    }

    private static long count(JsonNode n, String field) {
        Long v = longOrNull(n, field);
        return v == null ? 0 : v;
    }

    /**
     * Reads a whole number leniently; see {@link io.github.bisonbackfill.bison.BisonReplies#readLong}.
     *
     * @throws BisonJsonShapeException if the value is not a whole number
     */
    public static @Nullable Long longOrNull(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        String s = n.isNumber() ? n.asText() : n.isTextual() ? n.textValue().trim().replace(",", "") : null;
        if (s == null) {
            throw new BisonJsonShapeException(field, "is not a number (got " + n.getNodeType() + ")", null);
        }
        if (s.isEmpty()) {
            return null;
        }
        try {
            return new BigDecimal(s).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new BisonJsonShapeException(field, "is not a whole number", s);
        }
    }

    static @Nullable String text(JsonNode parent, String field) {
        return scalarText(parent.get(field));
    }

    private static @Nullable String scalarText(@Nullable JsonNode n) {
        if (n == null || n.isNull() || n.isContainerNode()) {
            return null;
        }
        return n.asText();
    }

    static boolean bool(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isContainerNode()) {
            throw new BisonJsonShapeException(field, "is not a boolean (got " + n.getNodeType() + ")", null);
        }
        if (n.isNumber()) {
            return n.asLong() != 0;
        }
        String s = n.asText().trim();
        if (s.equalsIgnoreCase("true") || s.equals("1") || s.equalsIgnoreCase("yes")) {
            return true;
        }
        if (s.equalsIgnoreCase("false") || s.equals("0") || s.equalsIgnoreCase("no") || s.isEmpty()) {
            return false;
        }
        throw new BisonJsonShapeException(field, "is not a boolean", s);
    }

    /**
     * Reads a date-time leniently: ISO-8601 and Laravel/PHP forms ({@link #DATE_TIME}; no offset means
     * UTC), a date alone (midnight UTC), or Unix epoch seconds (10 digits) or milliseconds (13).
     *
     * @throws BisonJsonShapeException if the value is none of these
     */
    static @Nullable Instant instant(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n != null && n.isIntegralNumber()) {
            return epoch(field, n.asText());
        }
        String s = text(parent, field);
        if (s == null || s.isBlank()) {
            return null;
        }
        String v = s.trim();
        if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return epoch(field, v);
        }
        try {
            TemporalAccessor t = DATE_TIME.parseBest(v, OffsetDateTime::from, LocalDateTime::from);
            return t instanceof OffsetDateTime o ? o.toInstant() : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // Not a date-time; a date alone?
        }
        try {
            return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new BisonJsonShapeException(field, "is not a date-time", v);
        }
    }

    private static Instant epoch(String field, String digits) {
        if (digits.length() == 10) {
            return Instant.ofEpochSecond(Long.parseLong(digits));
        }
        if (digits.length() == 13) {
            return Instant.ofEpochMilli(Long.parseLong(digits));
        }
        throw new BisonJsonShapeException(field, "is not a date-time (a number that is neither epoch seconds nor milliseconds)",
                digits);
    }
}
