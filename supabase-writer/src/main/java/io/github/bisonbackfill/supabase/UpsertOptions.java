package io.github.bisonbackfill.supabase;

import io.github.bisonbackfill.supabase.internal.Check;

import java.util.Arrays;
import java.util.List;

/**
 * How {@link SupabaseWriter#upsert} writes: the conflict columns ({@code on_conflict}, required), the
 * {@link Resolution}, the rule for duplicates within the call, and an optional progress listener.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * UpsertOptions options = UpsertOptions.builder()
 *     .onConflict("lead_email", "workspace_name")
 *     .resolution(Resolution.MERGE_DUPLICATES)
 *     .build();
 * }</pre>
 */
public final class UpsertOptions {
    /** Default resolution: update existing rows with the payload's columns. */
    public static final Resolution DEFAULT_RESOLUTION = Resolution.MERGE_DUPLICATES;

    private final List<String> onConflict;
    private final Resolution resolution;
    private final DuplicateRule duplicateRule;
    private final BatchListener listener;

    private UpsertOptions(Builder b) {
        this.onConflict = List.copyOf(b.onConflict);
        this.resolution = b.resolution;
        this.duplicateRule = b.duplicateRule;
        this.listener = b.listener;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The conflict columns, which must match a unique constraint of the table. */
    public List<String> onConflict() {
        return onConflict;
    }

    /** The resolution for keys that already exist. */
    public Resolution resolution() {
        return resolution;
    }

    /** The rule for rows of one call sharing a conflict key. */
    public DuplicateRule duplicateRule() {
        return duplicateRule;
    }

    /** The per-batch progress listener. */
    public BatchListener listener() {
        return listener;
    }

    @Override
    public String toString() {
        return "UpsertOptions[onConflict=" + onConflict + ", resolution=" + resolution + "]";
    }

    /** Builds {@link UpsertOptions}. Not thread-safe. */
    public static final class Builder {
        private List<String> onConflict = List.of();
        private Resolution resolution = DEFAULT_RESOLUTION;
        private DuplicateRule duplicateRule = DuplicateRule.lastWins();
        private BatchListener listener = BatchListener.none();

        private Builder() {
        }

        /**
         * The conflict columns ({@code on_conflict}); required. They must match a real (non-partial,
         * non-expression) unique constraint, else PostgREST answers {@code 400 42P10}.
         *
         * @param columns one or more column names
         * @return this builder
         */
        public Builder onConflict(String... columns) {
            Check.notNull("onConflict", columns);
            for (String c : columns) {
                if (c == null || c.isBlank()) {
                    throw new IllegalArgumentException("onConflict column names must not be blank");
                }
            }
            this.onConflict = Arrays.asList(columns.clone());
            return this;
        }

        /**
         * What to do with keys that already exist. Default {@link #DEFAULT_RESOLUTION}.
         *
         * @param resolution merge (update) or ignore
         * @return this builder
         */
        public Builder resolution(Resolution resolution) {
            this.resolution = Check.notNull("resolution", resolution);
            return this;
        }

        /**
         * The rule for rows of one call sharing a conflict key. Default {@link DuplicateRule#lastWins()}.
         *
         * @param duplicateRule the rule
         * @return this builder
         */
        public Builder duplicateRule(DuplicateRule duplicateRule) {
            this.duplicateRule = Check.notNull("duplicateRule", duplicateRule);
            return this;
        }

        /**
         * A listener told after each batch. Default: none.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(BatchListener listener) {
            this.listener = Check.notNull("listener", listener);
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalStateException when {@code onConflict} was not set
         */
        public UpsertOptions build() {
            if (onConflict.isEmpty()) {
                throw new IllegalStateException("onConflict is required: name the columns of the unique constraint that identifies a row");
            }
            return new UpsertOptions(this);
        }
    }
}
