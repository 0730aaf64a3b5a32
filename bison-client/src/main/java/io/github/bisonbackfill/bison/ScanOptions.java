package io.github.bisonbackfill.bison;

import io.github.bisonbackfill.bison.internal.Check;

import java.util.OptionalLong;

/**
 * Options of one {@link BisonClient#scanInterestedReplies(long, ScanOptions)} call. Immutable and
 * thread-safe; build with {@link #builder()}.
 *
 * <pre>{@code
 * ScanOptions options = ScanOptions.builder()
 *     .listener(p -> log.info("workspace {}: page {}/{}", p.workspaceId(), p.page(), p.lastPage()))
 *     .catchUp(checkpoint.highWaterReplyId())        // read only the newest pages
 *     .build();
 * }</pre>
 *
 * <h2>Catch-up scans</h2>
 * A catch-up scan reads pages from page 1 in order and stops after the first page holding a reply
 * id below {@code highWaterReplyId - margin} (the <em>threshold</em>): it returns every interested
 * reply with an id at or above the threshold instead of every interested reply. It relies on the
 * server listing replies newest first (ids descending), which Email Bison does not document, so
 * every page read is checked: ids must descend strictly within a page and from one page to the
 * next (a reply seen again on a later page, pushed down by replies arriving mid-scan, is allowed).
 * Where the order does not hold the scan reads every page instead, and says so in
 * {@link ScanResult#fallbackReason()}. Every workspace-safety check of a full scan applies
 * unchanged. See {@link ScanResult#highestReplyId()} for the next high-water mark.
 */
public final class ScanOptions {
    /**
     * Default catch-up margin, in reply ids: 1,000. Reply ids are numbered per instance across all
     * its workspaces and statuses, so 1,000 ids are typically a few dozen of one workspace's replies
     * and only its interested ones are paged: usually no page or one extra page per workspace. The
     * margin covers replies with ids just below the high-water mark that were not yet listed as
     * interested when it was taken (ingestion committed out of id order, a reply marked interested
     * shortly after it arrived). Replies marked interested long after they arrived are only found by
     * a full scan, which stays the reconciliation of record.
     */
    public static final long DEFAULT_CATCH_UP_MARGIN = 1_000L;

    private static final PageListener NO_LISTENER = progress -> { };
    private static final ScanOptions DEFAULTS = builder().build();

    private final PageListener listener;
    private final Long highWaterReplyId;
    private final long catchUpMargin;

    private ScanOptions(Builder builder) {
        this.listener = builder.listener;
        this.highWaterReplyId = builder.highWaterReplyId;
        this.catchUpMargin = builder.catchUpMargin;
    }

    /** Returns a new builder with every option at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the default options: a full scan, no listener. */
    public static ScanOptions defaults() {
        return DEFAULTS;
    }

    /** Returns the per-page listener (a no-op by default). */
    public PageListener listener() {
        return listener;
    }

    /** Returns the high-water reply id of a catch-up scan, empty for a full scan (the default). */
    public OptionalLong highWaterReplyId() {
        return highWaterReplyId == null ? OptionalLong.empty() : OptionalLong.of(highWaterReplyId);
    }

    /**
     * Returns the catch-up margin in reply ids ({@link #DEFAULT_CATCH_UP_MARGIN} unless set; not used
     * by a full scan).
     */
    public long catchUpMargin() {
        return catchUpMargin;
    }

    /**
     * Returns the catch-up threshold, {@code max(0, highWaterReplyId - catchUpMargin)}: the scan stops
     * after the first page holding a reply id below it. Empty for a full scan.
     */
    public OptionalLong catchUpThreshold() {
        return highWaterReplyId == null ? OptionalLong.empty()
                : OptionalLong.of(Math.max(0, highWaterReplyId - catchUpMargin));
    }

    @Override
    public String toString() {
        return "ScanOptions[listener=" + (listener == NO_LISTENER ? "none" : "set")
                + (highWaterReplyId == null ? ", full scan"
                : ", catch-up from reply " + highWaterReplyId + " minus " + catchUpMargin) + "]";
    }

    /** Mutable builder of {@link ScanOptions}; not thread-safe. */
    public static final class Builder {
        private PageListener listener = NO_LISTENER;
        private Long highWaterReplyId;
        private long catchUpMargin = DEFAULT_CATCH_UP_MARGIN;

        private Builder() {
        }

        /**
         * Sets the per-page progress callback. Default: none.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if {@code listener} is {@code null}
         */
        public Builder listener(PageListener listener) {
            this.listener = Check.notNull("listener", listener);
            return this;
        }

        /**
         * Makes this a catch-up scan from a high-water mark with the default margin
         * ({@link #DEFAULT_CATCH_UP_MARGIN}); see {@link #catchUp(long, long)}.
         *
         * @param highWaterReplyId the highest reply id of the previous scan of this workspace
         *                         ({@link ScanResult#highestReplyId()}), not negative
         * @return this builder
         * @throws IllegalArgumentException if {@code highWaterReplyId} is negative
         */
        public Builder catchUp(long highWaterReplyId) {
            return catchUp(highWaterReplyId, DEFAULT_CATCH_UP_MARGIN);
        }

        /**
         * Makes this a catch-up scan: pages are read from page 1 until one holds a reply id below
         * {@code highWaterReplyId - margin}, instead of every page (see the class description).
         * Default: a full scan. A threshold of 0 or less reads every page.
         *
         * @param highWaterReplyId the highest reply id of the previous scan of this workspace on this
         *                         instance ({@link ScanResult#highestReplyId()}), not negative
         * @param margin           how many ids below it to read again, not negative
         * @return this builder
         * @throws IllegalArgumentException if either value is negative
         */
        public Builder catchUp(long highWaterReplyId, long margin) {
            this.highWaterReplyId = Check.notNegative("highWaterReplyId", highWaterReplyId);
            this.catchUpMargin = Check.notNegative("catch-up margin", margin);
            return this;
        }

        /** Builds the options. */
        public ScanOptions build() {
            return new ScanOptions(this);
        }
    }
}
