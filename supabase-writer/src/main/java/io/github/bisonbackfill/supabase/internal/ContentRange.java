package io.github.bisonbackfill.supabase.internal;

import org.jspecify.annotations.Nullable;

/** Reads the total from {@code Content-Range: 0-24/3573} or {@code *}{@code /0}. */
public final class ContentRange {
    private ContentRange() {
    }

    /**
     * The integer after {@code /}.
     *
     * @param header the header value, may be {@code null}
     * @return the total, or -1 when absent, {@code *} or unreadable
     */
    public static long total(@Nullable String header) {
        if (header == null) {
            return -1;
        }
        int slash = header.lastIndexOf('/');
        if (slash < 0) {
            return -1;
        }
        try {
            return Long.parseLong(header.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
