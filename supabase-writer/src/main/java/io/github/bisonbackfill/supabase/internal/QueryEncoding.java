package io.github.bisonbackfill.supabase.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Percent-encoding and quoting for PostgREST URLs. */
public final class QueryEncoding {
    private QueryEncoding() {
    }

    /**
     * Percent-encodes everything but RFC 3986 unreserved characters. A space becomes {@code %20} and a
     * {@code +} becomes {@code %2B} (in a query string a bare {@code +} decodes to a space).
     *
     * @param text any text
     * @return the encoded text
     */
    public static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A")
                .replace("%7E", "~");
    }

    /**
     * Double-quotes an element of an {@code in.(...)} list, escaping {@code \} and {@code "} with a
     * backslash, so commas, parentheses, dots and colons inside it are taken literally.
     *
     * @param text the raw value
     * @return the quoted value (not yet percent-encoded)
     */
    public static String quoteListElement(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
