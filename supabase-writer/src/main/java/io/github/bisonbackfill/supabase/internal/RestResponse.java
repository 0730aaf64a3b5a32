package io.github.bisonbackfill.supabase.internal;

import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP answer, fully read.
 *
 * @param status  HTTP status
 * @param headers header values by lower-case name (the last one wins)
 * @param body    the body (empty when none)
 */
public record RestResponse(int status, Map<String, String> headers, byte[] body) {

    /** A header by case-insensitive name, or {@code null}. */
    public @Nullable String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** Whether the status is 2xx. */
    public boolean successful() {
        return status >= 200 && status < 300;
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
