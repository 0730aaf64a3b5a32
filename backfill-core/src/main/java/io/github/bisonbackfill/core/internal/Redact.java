package io.github.bisonbackfill.core.internal;

import org.jspecify.annotations.Nullable;

import java.util.regex.Pattern;

/**
 * Removes anything that looks like a credential from text bound for reports, consoles and logs:
 * {@code Bearer ...} values, Email Bison keys ({@code <id>|<secret>}), JWTs, Supabase
 * {@code sb_secret_...}/{@code sb_publishable_...} keys and {@code key=value} pairs whose name says
 * secret. Belt and braces: the clients never put keys in messages in the first place. Thread-safe.
 */
public final class Redact {
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer)\\s+[^\\s,;\"']+");
    private static final Pattern BISON_KEY = Pattern.compile("\\b\\d+\\|[A-Za-z0-9]{8,}");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final Pattern SUPABASE_KEY = Pattern.compile("sb_(?:secret|publishable)_[A-Za-z0-9_-]+");
    private static final Pattern PARAM = Pattern.compile(
            "(?i)\\b(api[_-]?key|apikey|token|access_token|secret|password|authorization)(\\s*[=:]\\s*)[^&\\s,;\"']+");

    private Redact() {
    }

    /**
     * @param s text, may be {@code null}
     * @return the text with credentials replaced by {@code <redacted>}
     */
    public static @Nullable String text(@Nullable String s) {
        if (s == null) {
            return null;
        }
        String r = BEARER.matcher(s).replaceAll("$1 <redacted>");
        r = JWT.matcher(r).replaceAll("<redacted>");
        r = SUPABASE_KEY.matcher(r).replaceAll("<redacted>");
        r = BISON_KEY.matcher(r).replaceAll("<redacted>");
        return PARAM.matcher(r).replaceAll("$1$2<redacted>");
    }
}
