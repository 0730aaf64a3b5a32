package io.github.bisonbackfill.bison.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.bisonbackfill.bison.ApiKeyStoreException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the key store file format, version 1 (documented on
 * {@link io.github.bisonbackfill.bison.ApiKeyStore#file(java.nio.file.Path)}).
 *
 * <p>Strict, unlike the reader of Email Bison answers: the file is ours, so anything unexpected means
 * it was damaged or written by something else, and rewriting it would lose what we do not
 * understand. Error messages name the file and the place, never a value from it: Jackson's own
 * messages quote the offending token, which may be part of a key, so they are not passed on.
 */
final class KeyStoreJson {
    /** The format version written, and the only one read. */
    static final int VERSION = 1;

    private static final Set<String> ROOT_FIELDS = Set.of("version", "keys");
    private static final Set<String> ENTRY_FIELDS = Set.of("instance", "workspaceId", "key", "createdAt");
    private static final Redactor REDACTOR = new Redactor(List.of());
    private static final int MAX_NAME_IN_MESSAGE = 80;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private KeyStoreJson() {
    }

    /**
     * Parses a key store file's content.
     *
     * @param content the bytes of the file
     * @param file    the file, for messages
     * @return the keys by slot, in file order; empty for a blank file
     * @throws ApiKeyStoreException if the content is not a version 1 key store
     */
    static Map<StoredApiKey.Slot, StoredApiKey> parse(byte[] content, Path file) {
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return Map.of();
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw corrupt(file, "is not valid JSON" + where);
        }
        if (root == null || !root.isObject()) {
            throw corrupt(file, "is not a key store: its top level is not a JSON object");
        }
        refuseUnknownFields(root, ROOT_FIELDS, file, "the top level");
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber()) {
            throw corrupt(file, "has no version number (\"version\": " + VERSION + ")");
        }
        if (!version.canConvertToInt() || version.intValue() != VERSION) {
            throw corrupt(file, "has format version " + REDACTOR.excerpt(version.asText(), MAX_NAME_IN_MESSAGE)
                    + "; this library reads version " + VERSION + " (written by a newer bison-backfill?)");
        }
        JsonNode keys = root.get("keys");
        if (keys == null || !keys.isArray()) {
            throw corrupt(file, "has no \"keys\" array");
        }
        Map<StoredApiKey.Slot, StoredApiKey> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            StoredApiKey entry = entry(keys.get(i), i + 1, file);
            if (out.putIfAbsent(entry.slot(), entry) != null) {
                throw corrupt(file, "holds two keys for " + safe(entry.slot().toString())
                        + " (entry " + (i + 1) + "); keep the one that works and delete the other");
            }
        }
        return out;
    }

    private static StoredApiKey entry(JsonNode node, int number, Path file) {
        String what = "entry " + number + " of \"keys\"";
        if (!node.isObject()) {
            throw corrupt(file, what + " is not a JSON object");
        }
        refuseUnknownFields(node, ENTRY_FIELDS, file, what);
        JsonNode instance = node.get("instance");
        if (instance == null || !instance.isTextual() || instance.asText().isBlank()) {
            throw corrupt(file, what + " has no \"instance\" text");
        }
        JsonNode workspace = node.get("workspaceId");
        if (workspace == null || !workspace.isIntegralNumber() || !workspace.canConvertToLong()
                || workspace.longValue() <= 0) {
            throw corrupt(file, what + " has no positive whole \"workspaceId\"");
        }
        what = what + " (workspace " + workspace.longValue() + " of " + safe(instance.asText()) + ")";
        JsonNode key = node.get("key");
        if (key == null || !key.isTextual() || key.asText().isBlank()) {
            throw corrupt(file, what + " has no \"key\" text");
        }
        JsonNode createdAt = node.get("createdAt");
        if (createdAt == null || !createdAt.isTextual()) {
            throw corrupt(file, what + " has no \"createdAt\" text");
        }
        Instant created;
        try {
            created = Instant.parse(createdAt.asText());
        } catch (DateTimeParseException e) {
            throw corrupt(file, what + " has a \"createdAt\" that is not an ISO-8601 UTC instant"
                    + " (like 2026-11-30T16:20:05Z)");
        }
        return new StoredApiKey(instance.asText(), workspace.longValue(), key.asText(), created);
    }

    private static void refuseUnknownFields(JsonNode object, Set<String> known, Path file, String where) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw corrupt(file, where + " has an unknown field \"" + safe(name) + "\" (known: "
                        + known.stream().sorted().toList() + ")");
            }
        }
    }

    /**
     * Writes keys in the file format, sorted by instance and workspace so that files diff cleanly.
     *
     * @param keys the keys
     * @return the UTF-8 bytes, ending with a newline
     */
    static byte[] write(Iterable<StoredApiKey> keys) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", VERSION);
        ArrayNode array = root.putArray("keys");
        List<StoredApiKey> sorted = new ArrayList<>();
        keys.forEach(sorted::add);
        sorted.sort(Comparator.comparing(StoredApiKey::instance).thenComparingLong(StoredApiKey::workspaceId));
        for (StoredApiKey k : sorted) {
            ObjectNode entry = array.addObject();
            entry.put("instance", k.instance());
            entry.put("workspaceId", k.workspaceId());
            entry.put("key", k.key());
            entry.put("createdAt", k.createdAt().toString());
        }
        try {
            return (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            // Writing a tree of strings and numbers to a String cannot fail for I/O reasons.
            throw new IllegalStateException("cannot encode the key store", e);
        }
    }

    /** A name or instance from the file, shortened and with anything token-shaped removed. */
    private static String safe(String text) {
        return REDACTOR.excerpt(text, MAX_NAME_IN_MESSAGE);
    }

    private static ApiKeyStoreException corrupt(Path file, String problem) {
        return new ApiKeyStoreException("key store " + file + " " + problem + ". It was left untouched: repair"
                + " it, or move it away to start an empty store (the keys in it stay valid in Email Bison until"
                + " deleted in its web UI)", file, null);
    }
}
