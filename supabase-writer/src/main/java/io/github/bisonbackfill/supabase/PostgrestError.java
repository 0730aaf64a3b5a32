package io.github.bisonbackfill.supabase;

import org.jspecify.annotations.Nullable;

/**
 * An error as PostgREST reports it: {@code {"code", "message", "details", "hint"}} plus the HTTP
 * status. Any field the server left out is {@code null}.
 *
 * @param status  HTTP status (0 when no response was received)
 * @param code    PostgreSQL SQLSTATE ({@code 23502}) or PostgREST code ({@code PGRST204})
 * @param message the message
 * @param details details, often naming the failing row or key
 * @param hint    PostgREST's hint
 */
public record PostgrestError(int status, @Nullable String code, @Nullable String message, @Nullable String details,
                             @Nullable String hint) {
}
