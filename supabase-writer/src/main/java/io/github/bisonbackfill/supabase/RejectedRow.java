package io.github.bisonbackfill.supabase;

import org.jspecify.annotations.Nullable;

import java.util.Map;

/**
 * A row the server refused to write, with the reason. The rest of its batch was still written.
 *
 * @param row   the row as it was sent (column to value)
 * @param error what PostgREST answered for this row alone
 */
public record RejectedRow(Map<String, @Nullable Object> row, PostgrestError error) {
}
