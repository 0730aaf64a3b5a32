package io.github.bisonbackfill.bison.internal;

import org.jspecify.annotations.Nullable;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes secrets from text that leaves the library (exception messages, excerpts of bodies): every
 * configured key, and anything shaped like an Email Bison token ({@code <id>|<secret>}) or a bearer
 * credential, such as a freshly minted key in a malformed response.
 */
public final class Redactor {
    static final String REDACTED = "<redacted>";
    private static final Pattern TOKEN_SHAPED = Pattern.compile("\\d+\\|[A-Za-z0-9_\\-]{8,}");
    private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+\\S+");

    private final List<String> secrets = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Creates a redactor for the given keys.
     *
     * @param keys the keys to remove wherever they appear
     */
    public Redactor(Collection<ApiKey> keys) {
        keys.forEach(this::add);
    }

    /**
     * Adds a key learnt after construction (one read from a key store or just minted), so it is
     * removed from text from now on.
     *
     * @param key the key
     */
    public void add(ApiKey key) {
        String secret = key.secret();
        if (!secret.isEmpty() && !secrets.contains(secret)) {
            secrets.add(secret);
        }
    }

    /** Returns {@code text} with secrets replaced by {@code <redacted>}; {@code null} stays {@code null}. */
    public @Nullable String redact(@Nullable String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, REDACTED);
        }
        out = TOKEN_SHAPED.matcher(out).replaceAll(REDACTED);
        return BEARER.matcher(out).replaceAll("Bearer " + REDACTED);
    }

    /** Returns at most {@code max} characters of the redacted text, control characters made visible. */
    public String excerpt(@Nullable String text, int max) {
        String redacted = redact(text);
        if (redacted == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(redacted.length(), max) + 16);
        for (int i = 0; i < redacted.length() && sb.length() < max; i++) {
            char c = redacted.charAt(i);
            if (c == '\n' || c == '\r' || c == '\t') {
                sb.append(' ');
            } else if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (redacted.length() > sb.length()) {
            sb.append("...");
        }
        return sb.toString();
    }
}
