package io.github.bisonbackfill.core.internal;

import org.jspecify.annotations.Nullable;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One-pass "best item per key" table shared by {@link io.github.bisonbackfill.core.Dedup} and
 * {@link io.github.bisonbackfill.core.LeadDedup}: open addressing over flat arrays (cached hashes
 * compared before keys, no entry objects), sized once from the expected item count. Keys keep the
 * order of their first appearance while the winner may be replaced. Not thread-safe.
 *
 * <p>Why not {@code LinkedHashMap.merge}: at a million offers over 300,000 keys the entry objects
 * and the pointer chase per probe cost about half the run time; the flat arrays keep a probe within
 * one {@code int[]} until the hash matches.
 *
 * @param <K> key type
 * @param <T> item type
 */
public final class DedupTable<K, T> {
    private final Comparator<? super T> preference;
    private int[] hashes;      // 0 = empty slot; stored hashes are never 0
    private @Nullable Object[] keys;
    private @Nullable Object[] items;
    private int[] order;       // slot index per distinct key, in order of first appearance
    private int size;
    private int offered;

    /**
     * @param expectedItems how many items will be offered (sizes the table once)
     * @param preference    the greater item wins; on a tie the item offered first is kept
     */
    public DedupTable(int expectedItems, Comparator<? super T> preference) {
        this.preference = preference;
        int cap = Integer.highestOneBit(Math.max(16, Math.min(expectedItems, 1 << 29)) * 2 - 1) << 1;
        allocate(Math.max(cap, 16));
    }

    private void allocate(int capacity) {
        hashes = new int[capacity];
        keys = new Object[capacity];
        items = new Object[capacity];
        order = new int[Math.max(16, capacity / 2)];
    }

    private static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h == 0 ? 1 : h;
    }

    /** Offers {@code item} under {@code key} (both non-null). */
    @SuppressWarnings("unchecked")
    public void offer(K key, T item) {
        offered++;
        int h = spread(key.hashCode());
        int mask = hashes.length - 1;
        int i = h & mask;
        while (true) {
            int sh = hashes[i];
            if (sh == 0) {
                hashes[i] = h;
                keys[i] = key;
                items[i] = item;
                if (size == order.length) {
                    order = java.util.Arrays.copyOf(order, size * 2);
                }
                order[size++] = i;
                if (size * 2 > hashes.length) {
                    grow();
                }
                return;
            }
            if (sh == h && key.equals(keys[i])) {
                if (preference.compare(item, (T) items[i]) > 0) {
                    items[i] = item;
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        int[] oldHashes = hashes;
        @Nullable Object[] oldKeys = keys;
        @Nullable Object[] oldItems = items;
        int[] oldOrder = order;
        int n = size;
        allocate(oldHashes.length * 2);
        int mask = hashes.length - 1;
        for (int o = 0; o < n; o++) {
            int from = oldOrder[o];
            int i = oldHashes[from] & mask;
            while (hashes[i] != 0) {
                i = (i + 1) & mask;
            }
            hashes[i] = oldHashes[from];
            keys[i] = oldKeys[from];
            items[i] = oldItems[from];
            order[o] = i;
        }
    }

    /** Items offered so far. */
    public int offered() {
        return offered;
    }

    /** Distinct keys so far. */
    public int size() {
        return size;
    }

    /** The winners, in order of each key's first appearance. */
    @SuppressWarnings("unchecked")
    public List<T> winners() {
        List<T> out = new ArrayList<>(size);
        for (int o = 0; o < size; o++) {
            out.add((T) items[order[o]]);
        }
        return out;
    }

    /** The winners with their keys, in order of each key's first appearance (a snapshot). */
    @SuppressWarnings("unchecked")
    public List<Map.Entry<K, T>> entries() {
        List<Map.Entry<K, T>> out = new ArrayList<>(size);
        for (int o = 0; o < size; o++) {
            int i = order[o];
            out.add(new AbstractMap.SimpleImmutableEntry<>((K) keys[i], (T) items[i]));
        }
        return out;
    }
}
