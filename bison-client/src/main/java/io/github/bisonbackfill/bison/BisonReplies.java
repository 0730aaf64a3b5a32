package io.github.bisonbackfill.bison;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bisonbackfill.bison.internal.BisonJson;
import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * Reads a reply object as Email Bison sends it, for code that receives Email Bison's JSON by
 * another way than {@link BisonClient} (a webhook delivery). It is the reader
 * {@link BisonClient#scanInterestedReplies(long)} uses, so both paths read a reply identically:
 * unknown fields ignored, ids and numbers accepted as strings ({@code "88412"}, {@code "1,903"},
 * surrounding spaces trimmed, empty = absent), booleans as {@code true}/{@code 1}/{@code "true"}
 * (absent = {@code false}), date-times as ISO-8601 with an offset or Laravel's zone-less forms
 * ({@code 2025-10-14T17:03:21.000000}, {@code 2025-10-14 17:03:21}), which are UTC. Text is kept as
 * sent, control characters included; a list or object where text is expected reads as {@code null}.
 * A number, boolean or date-time that cannot be read, or a missing {@code id}, is a
 * {@link BisonJsonShapeException} naming the field. Parse the body with unescaped control characters
 * allowed (Jackson's {@code JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS}): reply bodies carry them.
 *
 * <pre>{@code
 * JsonNode delivery = mapper.readTree(body);   // {"event": {...}, "data": {"reply": {...}, "lead": {...}}}
 * Reply reply = BisonReplies.readReply(delivery.at("/data/reply"), delivery.at("/data/lead"));
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class BisonReplies {
    private BisonReplies() {
    }

    /**
     * Reads one reply in either shape Email Bison sends: the REST one ({@code GET /api/replies}:
     * {@code subject}, the lead nested as {@code lead}) or the webhook one ({@code email_subject},
     * the lead sent beside the reply, bodies absent). The subject is {@code email_subject},
     * else {@code subject}. Message bodies are not read. Only {@code id} is required; absent fields
     * are {@code null} ({@code false} for booleans). {@code interested} is the reply's own field: a
     * caller that knows better (a {@code lead_interested} event) sets it itself.
     *
     * @param reply      the reply object
     * @param leadOrNull the lead object sent beside the reply; {@code null}, a JSON {@code null} or a
     *                   missing node to use the reply's nested {@code lead} (a nested value that is not
     *                   an object is no lead)
     * @return the reply
     * @throws NullPointerException     if {@code reply} is {@code null}
     * @throws BisonJsonShapeException  if {@code reply} is not an object, has no {@code id}, a field has
     *                                  the wrong kind ({@link BisonJsonShapeException#field()} is relative
     *                                  to the reply; the lead's fields are {@code lead.<field>}), or
     *                                  {@code leadOrNull} is neither absent nor an object
     */
    public static Reply readReply(JsonNode reply, @Nullable JsonNode leadOrNull) {
        Objects.requireNonNull(reply, "reply");
        return BisonJson.reply(reply, leadOrNull);
    }

    /**
     * Reads a whole number the way {@link #readReply} reads ids, for the objects around a reply (a
     * webhook's {@code event.workspace_id}, {@code data.campaign.id}): a JSON number, or a string of
     * one with thousands separators and surrounding spaces ({@code " 1,903"}).
     *
     * @param object the object holding the field
     * @param field  the field name
     * @return the number, or {@code null} when the field is absent, JSON {@code null} or an empty string
     * @throws NullPointerException    if {@code object} is {@code null}
     * @throws BisonJsonShapeException if the value is not a whole number ({@link BisonJsonShapeException#field()}
     *                                 is {@code field})
     */
    public static @Nullable Long readLong(JsonNode object, String field) {
        Objects.requireNonNull(object, "object");
        return BisonJson.longOrNull(object, field);
    }
}
