package io.github.bisonbackfill.core.webhook.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.bisonbackfill.bison.BisonJsonShapeException;
import io.github.bisonbackfill.bison.BisonReplies;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.core.internal.Text;
import org.jspecify.annotations.Nullable;

import java.io.IOException;

/**
 * Reads an Email Bison webhook delivery: the envelope here, the reply and its lead with
 * {@link BisonReplies}, the reader the backfill's scan uses (numbers as strings, lenient booleans,
 * Laravel's date forms). The body is parsed with unescaped control characters accepted (reply bodies
 * carry them) and trailing tokens refused. A problem becomes a {@link MalformedDeliveryException}
 * naming the field by its path in the delivery ({@code data.reply.date_received is not a
 * date-time: 'last Tuesday'}). Thread-safe.
 *
 * <p>The two shapes: the real delivery {@code {"event": {...}, "data": {...}}} and the
 * test/sample one {@code {"data": {"event": {...}, "data": {...}}}}.
 */
public final class DeliveryParser {
    private static final int QUOTE = 60;

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
    public record Envelope(JsonNode event, @Nullable JsonNode data) {
        /** @return {@code event.type}, or {@code null} */
        public @Nullable String eventType() {
            return Text.clean(text(event, "type", "event.type"));
        }

        /** @return {@code event.workspace_name}, or {@code null} */
        public @Nullable String workspaceName() {
            return Text.clean(text(event, "workspace_name", "event.workspace_name"));
        }

        /** @return {@code event.instance_url}, or {@code null} */
        public @Nullable String instanceUrl() {
            return Text.clean(text(event, "instance_url", "event.instance_url"));
        }

        /** @return {@code event.workspace_id}, or {@code null} */
        public @Nullable Long workspaceId() {
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
     * Builds the {@link Reply} that the backfill would have read for this delivery:
     * {@link BisonReplies#readReply} of {@code data.reply} ({@code email_subject} as the subject, else
     * {@code subject}) with {@code data.lead} as the lead (else {@code data.reply.lead}), then
     * {@code data.campaign.id} and {@code data.sender_email.id} when the reply lacks the ids. Bodies are
     * not read. The reply is marked interested: the event says so.
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
        JsonNode lead = objectOrNull(data, "lead", "data.lead");
        Reply read;
        try {
            read = BisonReplies.readReply(r, lead);
        } catch (BisonJsonShapeException e) {
            // The reader names the lead's fields lead.<field>; ours came beside the reply, as data.lead.
            String field = e.field();
            if (lead != null && (field.equals("lead") || field.startsWith("lead."))) {
                throw malformed("data." + field, e);
            }
            throw malformed(field.isEmpty() ? "data.reply" : "data.reply." + field, e);
        }
        Long campaignId = read.campaignId();
        if (campaignId == null) {
            JsonNode campaign = objectOrNull(data, "campaign", "data.campaign");
            campaignId = campaign == null ? null : longOrNull(campaign, "id", "data.campaign.id");
        }
        Long senderEmailId = read.senderEmailId();
        if (senderEmailId == null) {
            JsonNode sender = objectOrNull(data, "sender_email", "data.sender_email");
            senderEmailId = sender == null ? null : longOrNull(sender, "id", "data.sender_email.id");
        }
        // The event says the lead is interested, whatever the reply's own flag says.
        return new Reply(read.id(), read.uuid(), read.leadId(), read.lead(), read.folder(), true,
                read.automatedReply(), read.type(), read.subject(), read.dateReceived(), campaignId, senderEmailId,
                read.fromName(), read.fromEmailAddress(), read.primaryToEmailAddress(), read.createdAt(),
                read.updatedAt());
    }

    private static MalformedDeliveryException malformed(String path, BisonJsonShapeException e) {
        return new MalformedDeliveryException(path + " " + e.problem()
                + e.value().map(v -> ": " + Text.quote(v, QUOTE)).orElse(""));
    }

    // ---- envelope scalars ----------------------------------------------------------------------

    private static @Nullable JsonNode objectOrNull(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new MalformedDeliveryException(path + " is not an object");
        }
        return n;
    }

    static @Nullable String text(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isContainerNode()) {
            throw new MalformedDeliveryException(path + " is " + (n.isArray() ? "a list" : "an object") + ", not a value");
        }
        return n.asText();
    }

    static @Nullable Long longOrNull(JsonNode parent, String field, String path) {
        try {
            return BisonReplies.readLong(parent, field);
        } catch (BisonJsonShapeException e) {
            throw malformed(path, e);
        }
    }
}
