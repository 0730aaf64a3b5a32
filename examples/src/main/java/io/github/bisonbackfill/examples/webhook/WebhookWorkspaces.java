package io.github.bisonbackfill.examples.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bisonbackfill.core.SourceWorkspace;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the workspaces a webhook server accepts deliveries for from a JSON file:
 *
 * <pre>{@code
 * [
 *   {"instance": "agency-main", "base_url": "https://send.agency.example",
 *    "workspace_id": 37, "workspace_name": "Harbor Insurance, LLC"}
 * ]
 * }</pre>
 *
 * Use the instance names and workspace names the backfill writes (its {@code bison_instance} and
 * {@code workspace_name}), so both write the same rows. Stateless and thread-safe.
 */
public final class WebhookWorkspaces {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookWorkspaces() {
    }

    /**
     * Reads the file.
     *
     * @param file a JSON array of {@code {instance, base_url, workspace_id, workspace_name}}
     * @return the workspaces, in file order
     * @throws IllegalArgumentException when the file cannot be read, is not such an array, or an entry
     *                                  lacks a field or has an invalid one (the message names the file,
     *                                  the entry and the field)
     */
    public static List<SourceWorkspace> read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read workspaces file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new IllegalArgumentException("workspaces file " + file
                    + " must hold a non-empty JSON array of {instance, base_url, workspace_id, workspace_name}");
        }
        List<SourceWorkspace> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode n = root.get(i);
            String where = "workspaces file " + file + ", entry " + i + ": ";
            try {
                JsonNode id = n.get("workspace_id");
                if (id == null || !id.canConvertToLong() || !id.isIntegralNumber()) {
                    throw new IllegalArgumentException("workspace_id must be a whole number");
                }
                out.add(new SourceWorkspace(required(n, "instance"), URI.create(required(n, "base_url")),
                        id.longValue(), required(n, "workspace_name")));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    private static String required(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.textValue().isBlank()) {
            throw new IllegalArgumentException(field + " is required (a non-blank string)");
        }
        return v.textValue();
    }
}
