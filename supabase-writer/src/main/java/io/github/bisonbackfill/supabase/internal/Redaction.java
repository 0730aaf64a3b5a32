package io.github.bisonbackfill.supabase.internal;

import org.jspecify.annotations.Nullable;

import java.util.regex.Pattern;

/**
 * The writer's one redaction helper: removes anything shaped like a credential from user input that
 * a message echoes (a key pasted where a URL belongs): JWTs, Supabase {@code sb_secret_...} /
 * {@code sb_publishable_...} keys, {@code Bearer ...} values and Email Bison {@code <id>|<secret>}
 * keys. Thread-safe.
 */
public final class Redaction {
    /** What a credential is replaced with: {@value}. */
    public static final String REDACTED = "<redacted>";
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]*){0,2}");
    private static final Pattern SUPABASE_KEY = Pattern.compile("sb_(?:secret|publishable)_[A-Za-z0-9_-]+");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer)\\s+\\S+");
    private static final Pattern BISON_KEY = Pattern.compile("\\d+\\|[A-Za-z0-9_-]{8,}");

    private Redaction() {
    }

    /**
     * @param s text, may be {@code null}
     * @return the text with credential-shaped parts replaced by {@link #REDACTED}
     */
    public static @Nullable String text(@Nullable String s) {
        if (s == null) {
            return null;
        }
        String r = JWT.matcher(s).replaceAll(REDACTED);
        r = SUPABASE_KEY.matcher(r).replaceAll(REDACTED);
        r = BEARER.matcher(r).replaceAll("$1 " + REDACTED);
        return BISON_KEY.matcher(r).replaceAll(REDACTED);
    }
}
