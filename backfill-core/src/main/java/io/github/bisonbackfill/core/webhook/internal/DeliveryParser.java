package io.github.bisonbackfill.core.webhook.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.bisonbackfill.bison.CustomVariable;
import io.github.bisonbackfill.bison.Lead;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.core.internal.Text;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads an Email Bison webhook delivery leniently, the way the client reads the REST API: unknown
 * fields ignored, numbers accepted as strings ({@code "88412"}, {@code "1,903"}), unescaped control
 * characters accepted (reply bodies carry them), booleans as {@code true}/{@code 1}/{@code "true"},
 * Laravel's date forms. A field that is present but of the wrong kind is an error naming the field,
 * never silently dropped. Thread-safe.
 *
 * <p>The two shapes: the real delivery {@code {"event": {...}, "data": {...}}} and the
 * test/sample one {@code {"data": {"event": {...}, "data": {...}}}}.
 */
public final class DeliveryParser {
    private static final int QUOTE = 60;
    private static final DateTimeFormatter SQL_DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * The {@code event} and {@code data} objects of a delivery.
     *
     * @param event the {@code event} object
     * @param data  the {@code data} object, or {@code null} when absent
     */
    public record Envelope(JsonNode event, JsonNode data) {
        /** @return {@code event.type}, or {@code null} */
        public String eventType() {
            return Text.clean(text(event, "type", "event.type"));
        }

        /** @return {@code event.workspace_name}, or {@code null} */
        public String workspaceName() {
            return Text.clean(text(event, "workspace_name", "event.workspace_name"));
        }

        /** @return {@code event.instance_url}, or {@code null} */
        public String instanceUrl() {
            return Text.clean(text(event, "instance_url", "event.instance_url"));
        }

        /** @return {@code event.workspace_id}, or {@code null} */
        public Long workspaceId() {
            return longOrNull(event, "workspace_id", "event.workspace_id");
        }
    }

    /**
     * Parses the body and finds the envelope in either shape.
     *
     * @param body the raw request body
     * @return the envelope
     * @throws MalformedDeliveryException when the body is not a JSON object with an {@code event} object
     */
    public Envelope envelope(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MalformedDeliveryException("body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new MalformedDeliveryException("body could not be read as JSON: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new MalformedDeliveryException("body is empty");
        }
        if (!root.isObject()) {
            throw new MalformedDeliveryException("body is not a JSON object (got " + root.getNodeType() + ")");
        }
        JsonNode event = root.get("event");
        if (event != null && event.isObject()) {
            return new Envelope(event, objectOrNull(root, "data", "data"));
        }
        JsonNode wrapped = root.get("data");
        if (event == null && wrapped != null && wrapped.isObject()) {
            JsonNode inner = wrapped.get("event");
            if (inner != null && inner.isObject()) {
                return new Envelope(inner, objectOrNull(wrapped, "data", "data.data"));
            }
        }
        throw new MalformedDeliveryException(event != null
                ? "\"event\" is not an object"
                : "no \"event\" object (expected {\"event\": {...}, \"data\": {...}} or {\"data\": {\"event\": {...}, \"data\": {...}}})");
    }

    /**
     * Builds the {@link Reply} that the backfill would have read for this delivery: the webhook's
     * {@code data.reply} with {@code email_subject} as the subject (or {@code subject} if that is what
     * came), {@code data.lead} as the nested lead (else {@code data.reply.lead}), {@code data.campaign.id}
     * and {@code data.sender_email.id} when the reply lacks the ids. Bodies are not read. The reply is
     * marked interested: the event says so.
     *
     * @param envelope a {@code lead_interested} delivery
     * @return the reply
     * @throws MalformedDeliveryException when {@code data.reply} or its {@code id} is missing or a field
     *                                    has the wrong kind
     */
    public Reply reply(Envelope envelope) {
        JsonNode data = envelope.data();
        if (data == null) {
            throw new MalformedDeliveryException("no \"data\" object");
        }
        JsonNode r = data.get("reply");
        if (r == null || !r.isObject()) {
            throw new MalformedDeliveryException(r == null ? "no data.reply object" : "data.reply is not an object");
        }
        Long id = longOrNull(r, "id", "data.reply.id");
        if (id == null) {
            throw new MalformedDeliveryException("data.reply.id is missing");
        }
        JsonNode leadNode = objectOrNull(data, "lead", "data.lead");
        String leadPath = "data.lead";
        if (leadNode == null) {
            leadNode = objectOrNull(r, "lead", "data.reply.lead");
            leadPath = "data.reply.lead";
        }
        Lead lead = leadNode == null ? null : lead(leadNode, leadPath);
        Long leadId = longOrNull(r, "lead_id", "data.reply.lead_id");
        String subject = text(r, "email_subject", "data.reply.email_subject");
        if (subject == null) {
            subject = text(r, "subject", "data.reply.subject");
        }
        Long campaignId = longOrNull(r, "campaign_id", "data.reply.campaign_id");
        if (campaignId == null) {
            JsonNode campaign = objectOrNull(data, "campaign", "data.campaign");
            campaignId = campaign == null ? null : longOrNull(campaign, "id", "data.campaign.id");
        }
        Long senderEmailId = longOrNull(r, "sender_email_id", "data.reply.sender_email_id");
        if (senderEmailId == null) {
            JsonNode sender = objectOrNull(data, "sender_email", "data.sender_email");
            senderEmailId = sender == null ? null : longOrNull(sender, "id", "data.sender_email.id");
        }
        return new Reply(id, text(r, "uuid", "data.reply.uuid"), leadId, lead, text(r, "folder", "data.reply.folder"),
                true, bool(r, "automated_reply", "data.reply.automated_reply"), text(r, "type", "data.reply.type"),
                subject, instant(r, "date_received", "data.reply.date_received"), campaignId, senderEmailId,
                text(r, "from_name", "data.reply.from_name"),
                text(r, "from_email_address", "data.reply.from_email_address"),
                text(r, "primary_to_email_address", "data.reply.primary_to_email_address"),
                instant(r, "created_at", "data.reply.created_at"), instant(r, "updated_at", "data.reply.updated_at"));
    }

    private static Lead lead(JsonNode n, String path) {
        List<CustomVariable> vars = new ArrayList<>();
        JsonNode cv = n.get("custom_variables");
        if (cv != null && cv.isArray()) {
            for (JsonNode v : cv) {
                if (v != null && v.isObject()) {
                    vars.add(new CustomVariable(text(v, "name", path + ".custom_variables[].name"),
                            text(v, "value", path + ".custom_variables[].value")));
                }
            }
        } else if (cv != null && cv.isObject()) {
            for (Map.Entry<String, JsonNode> e : cv.properties()) {
                vars.add(new CustomVariable(e.getKey(), scalar(e.getValue(), path + ".custom_variables." + e.getKey())));
            }
        } else if (cv != null && !cv.isNull()) {
            throw new MalformedDeliveryException(path + ".custom_variables is neither a list nor an object");
        }
        return new Lead(longOrNull(n, "id", path + ".id"), text(n, "uuid", path + ".uuid"),
                text(n, "email", path + ".email"), text(n, "first_name", path + ".first_name"),
                text(n, "last_name", path + ".last_name"), text(n, "company", path + ".company"),
                text(n, "title", path + ".title"), text(n, "status", path + ".status"), vars);
    }

    // ---- lenient scalars -----------------------------------------------------------------------

    private static JsonNode objectOrNull(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new MalformedDeliveryException(path + " is not an object");
        }
        return n;
    }

    static String text(JsonNode parent, String field, String path) {
        return scalar(parent.get(field), path);
    }

    private static String scalar(JsonNode n, String path) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isContainerNode()) {
            throw new MalformedDeliveryException(path + " is " + (n.isArray() ? "a list" : "an object") + ", not a value");
        }
        return n.asText();
    }

    static Long longOrNull(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        String s = n.isNumber() ? n.asText() : n.isTextual() ? Text.trim(n.textValue()).replace(",", "") : null;
        if (s == null) {
            throw new MalformedDeliveryException(path + " is not a number (got " + n.getNodeType() + ")");
        }
        if (s.isEmpty()) {
            return null;
        }
        try {
            return new BigDecimal(s).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new MalformedDeliveryException(path + " is not a whole number: " + Text.quote(s, QUOTE));
        }
    }

    private static boolean bool(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNumber()) {
            return n.asLong() != 0;
        }
        String s = Text.trim(n.asText());
        if (s.equalsIgnoreCase("true") || s.equals("1")) {
            return true;
        }
        if (s.equalsIgnoreCase("false") || s.equals("0") || s.isEmpty()) {
            return false;
        }
        throw new MalformedDeliveryException(path + " is not a boolean: " + Text.quote(s, QUOTE));
    }

    private static Instant instant(JsonNode parent, String field, String path) {
        String s = Text.clean(text(parent, field, path));
        if (s == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException ignored) {
            // Not ISO-8601 with an offset; Laravel's zone-less forms are UTC.
        }
        try {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // Try the SQL form next.
        }
        try {
            return LocalDateTime.parse(s, SQL_DATE_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new MalformedDeliveryException(path + " is not a date-time: " + Text.quote(s, QUOTE));
        }
    }
}
