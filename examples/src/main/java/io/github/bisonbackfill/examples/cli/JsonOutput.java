package io.github.bisonbackfill.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;

/**
 * The one JSON output format of the CLI's {@code --json} ({@code backfill}, {@code verify},
 * {@code kpi}), documented in {@code docs/examples.md}: one document on standard output,
 *
 * <pre>{@code
 * {"schemaVersion": 1, "tool": "bison-backfill", "version": "0.1.0", "command": "verify",
 *  "generatedAt": "2026-11-30T16:00:00Z", "exitCode": 0, "ok": true, "result": {...}}
 * }</pre>
 *
 * Every key, in the envelope and in {@code result}, is camelCase; instants are ISO-8601 strings,
 * durations ISO-8601 ({@code "PT3.1S"}). A change that removes or renames a key increments
 * {@link #SCHEMA_VERSION}; added keys do not. Stateless and thread-safe.
 */
final class JsonOutput {
    /** The {@code schemaVersion} of the documents written: {@value}. */
    static final int SCHEMA_VERSION = 1;
    /** The {@code tool} field: {@value}. */
    static final String TOOL = "bison-backfill";

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private JsonOutput() {
    }

    /**
     * The envelope around a command's result.
     *
     * @param command  the command name
     * @param exitCode the command's exit status
     * @param result   the result: a {@link JsonNode} or any Jackson-serialisable value; its keys are
     *                 rewritten to camelCase
     * @param clock    the clock of {@code generatedAt}
     * @return the document, indented, ending with a newline
     */
    static String envelope(String command, int exitCode, Object result, Clock clock) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("tool", TOOL);
        root.put("version", CliVersion.version());
        root.put("command", command);
        root.put("generatedAt", clock.instant().toString());
        root.put("exitCode", exitCode);
        root.put("ok", exitCode == BisonBackfillCli.EXIT_OK);
        JsonNode body = result instanceof JsonNode n ? n.deepCopy() : MAPPER.valueToTree(result);
        root.set("result", camelCase(body));
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Rewrites every object key of a tree from snake_case to camelCase ({@code leads_in_table} →
     * {@code leadsInTable}); keys without an underscore are kept.
     *
     * @param node a tree (not modified)
     * @return the rewritten tree
     */
    static JsonNode camelCase(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = MAPPER.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(camelCase(e.getKey()), camelCase(e.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = MAPPER.createArrayNode();
            node.forEach(n -> out.add(camelCase(n)));
            return out;
        }
        return node;
    }

    /**
     * @param key a key such as {@code bison_interested_stat}
     * @return {@code bisonInterestedStat}
     */
    static String camelCase(String key) {
        if (key.indexOf('_') < 0) {
            return key;
        }
        StringBuilder b = new StringBuilder(key.length());
        boolean upper = false;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '_') {
                upper = b.length() > 0;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }
}
