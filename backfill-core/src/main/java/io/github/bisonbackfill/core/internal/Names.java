package io.github.bisonbackfill.core.internal;

import org.jspecify.annotations.Nullable;

import java.util.Locale;
import java.util.Set;

/**
 * Splits a display name ({@code from_name}) into first and last name. Lossy by nature (middle names,
 * particles, multi-word first names cannot be told apart), which is why the mapper prefers the
 * lead's own fields and uses this only when the lead has neither. Stateless and thread-safe.
 */
public final class Names {
    private static final Set<String> SUFFIXES = Set.of("jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd",
            "ph.d.", "md", "m.d.", "esq", "esq.", "cpa", "mba");

    private Names() {
    }

    /** First and last name; either may be {@code null}. */
    public record Split(@Nullable String first, @Nullable String last) {
        static final Split NONE = new Split(null, null);
    }

    /**
     * Splits {@code displayName}:
     * <ul>
     *   <li>blank, or containing {@code @} (a client that shows the address as the name): no names;</li>
     *   <li>surrounding quotes are dropped, internal whitespace runs become one space;</li>
     *   <li>"Ortiz, Dana" (a comma, and the part after it is not a suffix like "Jr." or "PhD"):
     *       last = before the first comma, first = after it;</li>
     *   <li>otherwise the first word is the first name and the rest the last name ("Juan de la Cruz"
     *       → "Juan" / "de la Cruz"; "Dana Ortiz, Jr." → "Dana" / "Ortiz, Jr."); one word is a first
     *       name only.</li>
     * </ul>
     */
    public static Split split(@Nullable String displayName) {
        String s = Text.clean(displayName);
        if (s == null || s.indexOf('@') >= 0) {
            return Split.NONE;
        }
        if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'') && s.charAt(s.length() - 1) == s.charAt(0)) {
            s = Text.clean(s.substring(1, s.length() - 1));
            if (s == null) {
                return Split.NONE;
            }
        }
        s = collapse(s);
        int comma = s.indexOf(',');
        if (comma >= 0) {
            String before = Text.clean(s.substring(0, comma));
            String after = Text.clean(s.substring(comma + 1));
            if (after == null) {
                s = before == null ? "" : before;
            } else if (before == null) {
                s = after;
            } else if (!SUFFIXES.contains(after.toLowerCase(Locale.ROOT))) {
                return new Split(after, before);
            }
        }
        if (s.isEmpty()) {
            return Split.NONE;
        }
        int space = s.indexOf(' ');
        return space < 0 ? new Split(s, null) : new Split(s.substring(0, space), s.substring(space + 1));
    }

    private static String collapse(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean gap = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Text.isTrimChar(c)) {
                gap = true;
            } else {
                if (gap && b.length() > 0) {
                    b.append(' ');
                }
                gap = false;
                b.append(c);
            }
        }
        return b.toString();
    }
}
