package io.github.bisonbackfill.supabase;

import org.jspecify.annotations.Nullable;

import java.util.Comparator;
import java.util.Map;
import java.util.Objects;

/**
 * Decides which row survives when one call holds several rows with the same conflict key. Such rows
 * never reach the server (the same key twice in one statement fails the whole batch with
 * {@code 21000}); each row dropped is counted in {@link UpsertResult#duplicatesDropped()}.
 *
 * <p>The rule sees rows as maps (column to JSON value: strings, numbers, booleans, lists, maps). It
 * may return either argument or a new map (a merge), which must keep the same conflict key. It is
 * called on the caller's thread, in the order the rows were given.
 */
@FunctionalInterface
public interface DuplicateRule {

    /**
     * Chooses the row to keep.
     *
     * @param kept     the row kept so far for this key (earlier in the input)
     * @param incoming the row met now (later in the input)
     * @return the row to keep
     */
    Map<String, @Nullable Object> choose(Map<String, @Nullable Object> kept, Map<String, @Nullable Object> incoming);

    /** The later row wins (the default). */
    static DuplicateRule lastWins() {
        return (kept, incoming) -> incoming;
    }

    /** The earlier row wins. */
    static DuplicateRule firstWins() {
        return (kept, incoming) -> kept;
    }

    /**
     * The greater row by {@code order} wins; on a tie the later one.
     *
     * @param order compares two rows, e.g. by a timestamp column
     * @return the rule
     */
    static DuplicateRule greatest(Comparator<Map<String, @Nullable Object>> order) {
        Objects.requireNonNull(order, "order");
        return (kept, incoming) -> order.compare(kept, incoming) > 0 ? kept : incoming;
    }
}
