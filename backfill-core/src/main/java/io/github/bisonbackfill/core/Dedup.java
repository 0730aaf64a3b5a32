package io.github.bisonbackfill.core;

import io.github.bisonbackfill.core.internal.DedupTable;

import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.Function;

/**
 * Keeps one item per key, chosen by a fixed rule. Deterministic: for the same input in the same
 * order the output is identical. Output order is the order in which each key first appears in the
 * input (not the winner's position). One hash-map pass; no sorting.
 *
 * <pre>{@code
 * Dedup<Reply, Long> byLead = Dedup.keepingGreatest(Reply::leadId, Comparator.comparingLong(Reply::id));
 * DedupResult<Reply> r = byLead.apply(replies);
 * }</pre>
 *
 * <p>Immutable and thread-safe if the key function and comparator are.
 *
 * @param <T> item type
 * @param <K> key type (must implement {@code equals}/{@code hashCode})
 */
public final class Dedup<T, K> {
    private static final Comparator<Object> FIRST_WINS = (a, b) -> 0;

    private final Function<? super T, ? extends K> key;
    private final Comparator<? super T> preference;

    private Dedup(Function<? super T, ? extends K> key, Comparator<? super T> preference) {
        this.key = Objects.requireNonNull(key, "key");
        this.preference = Objects.requireNonNull(preference, "preference");
    }

    /**
     * Per key, keeps the greatest item by {@code preference}; on a tie the item seen first is kept.
     *
     * @param key        extracts the key; must not return {@code null}
     * @param preference orders items; the greatest wins
     * @param <T>        item type
     * @param <K>        key type
     * @return the rule
     */
    public static <T, K> Dedup<T, K> keepingGreatest(Function<? super T, ? extends K> key,
                                                     Comparator<? super T> preference) {
        return new Dedup<>(key, preference);
    }

    /**
     * Per key, keeps the item seen first.
     *
     * @param key extracts the key; must not return {@code null}
     * @param <T> item type
     * @param <K> key type
     * @return the rule
     */
    public static <T, K> Dedup<T, K> keepingFirst(Function<? super T, ? extends K> key) {
        return new Dedup<>(key, FIRST_WINS);
    }

    /**
     * Deduplicates {@code items}.
     *
     * @param items the input, not modified
     * @return one item per key
     * @throws NullPointerException if an item is {@code null} or the key function returns
     *                              {@code null} (the message gives the item's index)
     */
    public DedupResult<T> apply(Collection<? extends T> items) {
        DedupTable<K, T> table = new DedupTable<>(items.size(), preference);
        int i = 0;
        for (T item : items) {
            if (item == null) {
                throw new NullPointerException("item at index " + i + " is null");
            }
            K k = key.apply(item);
            if (k == null) {
                throw new NullPointerException("key function returned null for the item at index " + i);
            }
            table.offer(k, item);
            i++;
        }
        return new DedupResult<>(table.winners(), table.offered());
    }
}
