package io.github.bisonbackfill.supabase.internal;

import org.jspecify.annotations.Nullable;

import java.util.Map;

/**
 * A row ready to send: its map (for reports) and its JSON (serialised once).
 *
 * @param row  column to JSON value
 * @param json the row as a JSON object
 */
public record EncodedRow(Map<String, @Nullable Object> row, byte[] json) {
}
