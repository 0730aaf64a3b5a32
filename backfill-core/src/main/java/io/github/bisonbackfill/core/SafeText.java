package io.github.bisonbackfill.core;

import io.github.bisonbackfill.core.internal.Redact;
import org.jspecify.annotations.Nullable;

/**
 * Makes untrusted text (webhook fields, configuration values, server answers) safe to print: the one
 * helper for log lines and for error messages that echo user input. Thread-safe, stateless.
 *
 * <ul>
 *   <li>{@link #redact(String)} replaces anything shaped like a credential (JWT, {@code Bearer ...},
 *       Email Bison {@code <id>|<secret>} key, Supabase {@code sb_secret_...} key,
 *       {@code token=...}) with {@code <redacted>};</li>
 *   <li>{@link #forLog(String)} redacts, escapes control characters (so a value cannot forge a line
 *       break or a second log line) and cuts to {@link #MAX_LOG_CHARS} characters.</li>
 * </ul>
 */
public final class SafeText {
    /** Longest untrusted value {@link #forLog} prints: {@value} characters (then {@code ...(N chars)}). */
    public static final int MAX_LOG_CHARS = 200;

    private SafeText() {
    }

    /**
     * @param s text, may be {@code null}
     * @return the text with credential-shaped parts replaced by {@code <redacted>}; {@code null} stays {@code null}
     */
    public static @Nullable String redact(@Nullable String s) {
        return Redact.text(s);
    }

    /**
     * The value as one safe log token: redacted, control characters escaped ({@code \n}, {@code \r},
     * {@code \t}, others as {@code \\uXXXX}), cut to {@link #MAX_LOG_CHARS} characters.
     *
     * @param s untrusted text, may be {@code null}
     * @return the printable form; {@code null} stays {@code null}
     */
    public static @Nullable String forLog(@Nullable String s) {
        return forLog(s, MAX_LOG_CHARS);
    }

    /**
     * As {@link #forLog(String)} with another length bound.
     *
     * @param s   untrusted text, may be {@code null}
     * @param max the most characters of the value printed, at least 1
     * @return the printable form; {@code null} stays {@code null}
     */
    public static @Nullable String forLog(@Nullable String s, int max) {
        if (s == null) {
            return null;
        }
        String redacted = Redact.text(s); // before cutting: a cut key would no longer look like one
        String r = redacted.length() > max ? redacted.substring(0, max) : redacted;
        StringBuilder b = new StringBuilder(r.length() + 16);
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (redacted.length() > max) {
            b.append("...(").append(s.length()).append(" chars)");
        }
        return b.toString();
    }
}
