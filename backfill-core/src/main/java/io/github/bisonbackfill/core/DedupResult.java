package io.github.bisonbackfill.core;

import java.util.List;

/**
 * The outcome of {@link Dedup#apply}.
 *
 * @param unique     one item per key, in order of each key's first appearance in the input
 * @param inputCount how many items were given
 * @param <T>        item type
 */
public record DedupResult<T>(List<T> unique, int inputCount) {
    public DedupResult {
        unique = List.copyOf(unique);
    }

    /** How many items lost to another item with the same key. */
    public int duplicatesDropped() {
        return inputCount - unique.size();
    }
}
