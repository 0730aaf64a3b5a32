package io.github.bisonbackfill.core.internal;

import io.github.bisonbackfill.core.RejectReason;
import org.jspecify.annotations.Nullable;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The single-pass email normaliser behind {@link io.github.bisonbackfill.core.EmailNormalizer} and
 * {@link io.github.bisonbackfill.core.LeadDedup}. Returns either the normalised {@code String} or a
 * {@link RejectReason}, so the hot path allocates nothing for an address that is already normalised
 * and one substring at most otherwise. Stateless and thread-safe.
 */
public final class EmailScan {
    /** RFC 5321 limits a forward path to 256 octets including the angle brackets. */
    public static final int MAX_LENGTH = 254;

    private static final String MAILTO = "mailto:";

    private EmailScan() {
    }

    /**
     * Normalises {@code raw}.
     *
     * @return the normalised address ({@code String}) or why it is unusable ({@link RejectReason})
     */
    public static Object normalizeOrReason(@Nullable String raw) {
        if (raw == null) {
            return RejectReason.MISSING;
        }
        int start = 0;
        int end = raw.length();
        while (start < end && Text.isTrimChar(raw.charAt(start))) {
            start++;
        }
        while (end > start && Text.isTrimChar(raw.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return RejectReason.BLANK;
        }
        // "Dana Ortiz <dana@x.io>" and "<dana@x.io>": the angle-addr is the address (RFC 5322).
        if (raw.charAt(end - 1) == '>') {
            int lt = raw.lastIndexOf('<', end - 2);
            if (lt >= start) {
                if (!plainDisplayName(raw, start, lt)) {
                    // "Dana <dana@a.io>, Bob <bob@b.io>": a list, not one address; taking either would guess.
                    return RejectReason.INVALID_CHARACTER;
                }
                start = lt + 1;
                end--;
                while (start < end && Text.isTrimChar(raw.charAt(start))) {
                    start++;
                }
                while (end > start && Text.isTrimChar(raw.charAt(end - 1))) {
                    end--;
                }
                if (start == end) {
                    return RejectReason.BLANK;
                }
            }
        }
        // A pasted link "mailto:dana@x.io": the scheme is never part of an address.
        if (end - start > MAILTO.length() && raw.regionMatches(true, start, MAILTO, 0, MAILTO.length())) {
            start += MAILTO.length();
        }
        if (end - start > MAX_LENGTH) {
            return RejectReason.TOO_LONG;
        }
        int at = -1;
        boolean lower = false;
        boolean nonAscii = false;
        for (int i = start; i < end; i++) {
            char c = raw.charAt(i);
            if (c == '@') {
                if (at >= 0) {
                    return RejectReason.MULTIPLE_AT_SIGNS;
                }
                at = i;
            } else if (c >= 'A' && c <= 'Z') {
                lower = true;
            } else if (c < '\u0080') {
                if (c <= ' ' || c == '\u007F') {
                    return Text.isTrimChar(c) ? RejectReason.WHITESPACE_INSIDE : RejectReason.CONTROL_CHARACTER;
                }
                switch (c) {
                    case '<', '>', '(', ')', '[', ']', ',', ';', ':', '"', '\\':
                        return RejectReason.INVALID_CHARACTER;
                    default:
                        break;
                }
            } else {
                if (Text.isTrimChar(c)) {
                    return RejectReason.WHITESPACE_INSIDE;
                }
                int type = Character.getType(c);
                if (type == Character.CONTROL || type == Character.FORMAT) {
                    return RejectReason.CONTROL_CHARACTER;
                }
                lower = true; // let toLowerCase decide for non-ASCII letters
                nonAscii = true;
            }
        }
        if (at < 0) {
            return RejectReason.NO_AT_SIGN;
        }
        if (at == start) {
            return RejectReason.EMPTY_LOCAL_PART;
        }
        if (!validDomain(raw, at + 1, end)) {
            return RejectReason.INVALID_DOMAIN;
        }
        String s = start == 0 && end == raw.length() ? raw : raw.substring(start, end);
        if (nonAscii) {
            // One address, one key: "é" as U+00E9 (NFC) and as e + U+0301 (NFD) are the same lead.
            s = Normalizer.normalize(s, Normalizer.Form.NFC);
        }
        return lower ? s.toLowerCase(Locale.ROOT) : s;
    }

    private static boolean validDomain(String s, int from, int to) {
        if (from >= to || s.charAt(from) == '.' || s.charAt(to - 1) == '.') {
            return false;
        }
        boolean dot = false;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '.') {
                if (s.charAt(i - 1) == '.') {
                    return false;
                }
                dot = true;
            }
        }
        return dot;
    }

    /** Whether {@code raw[from, to)} is a display name: no {@code < > , ;} outside double quotes. */
    private static boolean plainDisplayName(String raw, int from, int to) {
        boolean quoted = false;
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '<' || c == '>' || c == ',' || c == ';')) {
                return false;
            }
        }
        return true;
    }
}
