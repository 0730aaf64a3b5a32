package io.github.bisonbackfill.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * Small text helpers shared by the email normaliser, the mapper and the reports. Stateless and
 * thread-safe.
 */
public final class Text {
    private Text() {
    }

    /**
     * Whether {@code c} counts as "whitespace" for trimming: Java whitespace, every Unicode space
     * separator (including NBSP U+00A0, U+2007, U+202F, which {@link String#strip()} keeps), and the
     * invisible zero-width characters copy-paste leaves behind (U+200B, U+2060, U+FEFF).
     */
    public static boolean isTrimChar(char c) {
        if (c <= ' ') {
            return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u001C' && c <= '\u001F');
        }
        if (c < '\u0080') {
            return false;
        }
        return Character.isWhitespace(c) || Character.isSpaceChar(c)
                || c == '\u200B' || c == '\u2060' || c == '\uFEFF';
    }

    /** Trims {@link #isTrimChar} characters from both ends; {@code null} stays {@code null}. */
    public static @Nullable String trim(@Nullable String s) {
        if (s == null) {
            return null;
        }
        int start = 0;
        int end = s.length();
        while (start < end && isTrimChar(s.charAt(start))) {
            start++;
        }
        while (end > start && isTrimChar(s.charAt(end - 1))) {
            end--;
        }
        return start == 0 && end == s.length() ? s : s.substring(start, end);
    }

    /**
     * Trims like {@link #trim}, removes NUL characters (PostgreSQL {@code text} cannot store them),
     * and maps an empty result to {@code null}.
     */
    public static @Nullable String clean(@Nullable String s) {
        String t = trim(s);
        if (t == null || t.isEmpty()) {
            return null;
        }
        return t.indexOf('\u0000') >= 0 ? trimToNullRaw(t.replace("\u0000", "")) : t;
    }

    private static @Nullable String trimToNullRaw(String s) {
        String t = trim(s);
        return t.isEmpty() ? null : t;
    }

    /**
     * A short, printable rendering of a possibly hostile value for messages: quoted, control and
     * invisible characters escaped as {@code \\uXXXX}, cut to {@code max} characters.
     */
    public static String quote(@Nullable String s, int max) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 8).append('\'');
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || (c >= '\u0080' && isTrimChar(c))
                    || Character.getType(c) == Character.FORMAT) {
                b.append(String.format("\\u%04X", (int) c));
            } else if (c == '\'' || c == '\\') {
                b.append('\\').append(c);
            } else {
                b.append(c);
            }
        }
        b.append('\'');
        if (s.length() > max) {
            b.append("...(").append(s.length()).append(" chars)");
        }
        return b.toString();
    }
}
