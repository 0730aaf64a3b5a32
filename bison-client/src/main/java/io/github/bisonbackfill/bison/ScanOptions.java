package io.github.bisonbackfill.bison;

import java.util.Objects;

/**
 * Options of one {@link BisonClient#scanInterestedReplies(long, ScanOptions)} call. Immutable and
 * thread-safe; build with {@link #builder()}.
 *
 * <pre>{@code
 * ScanOptions options = ScanOptions.builder()
 *     .listener(p -> log.info("workspace {}: page {}/{}", p.workspaceId(), p.page(), p.lastPage()))
 *     .build();
 * }</pre>
 */
public final class ScanOptions {
    private static final PageListener NO_LISTENER = progress -> { };
    private static final ScanOptions DEFAULTS = builder().build();

    private final PageListener listener;

    private ScanOptions(Builder builder) {
        this.listener = builder.listener;
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

    @Override
    public String toString() {
        return "ScanOptions[listener=" + (listener == NO_LISTENER ? "none" : "set") + "]";
    }

    /** Mutable builder of {@link ScanOptions}; not thread-safe. */
    public static final class Builder {
        private PageListener listener = NO_LISTENER;

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
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Builds the options. */
        public ScanOptions build() {
            return new ScanOptions(this);
        }
    }
}
