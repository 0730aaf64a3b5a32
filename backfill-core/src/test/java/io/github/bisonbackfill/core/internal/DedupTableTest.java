package io.github.bisonbackfill.core.internal;

import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DedupTableTest {

    @Test
    void offer_beyondTheExpectedSize_growsAndKeepsFirstAppearanceOrderAndWinners() {
        DedupTable<Integer, Integer> t = new DedupTable<>(0, Comparator.naturalOrder());
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < 5_000; k++) {
                t.offer(k, k * 10 + round);
            }
        }
        assertThat(t.size()).isEqualTo(5_000);
        assertThat(t.offered()).isEqualTo(15_000);
        int expectedKey = 0;
        for (Map.Entry<Integer, Integer> e : t.entries()) {
            assertThat(e.getKey()).isEqualTo(expectedKey);
            assertThat(e.getValue()).isEqualTo(expectedKey * 10 + 2);
            expectedKey++;
        }
    }

    @Test
    void offer_keysWithCollidingHashCodes_stayDistinct() {
        // "Aa" and "BB" share String.hashCode.
        DedupTable<String, String> t = new DedupTable<>(2, Comparator.naturalOrder());
        t.offer("Aa", "1");
        t.offer("BB", "2");
        t.offer("Aa", "3");
        assertThat(t.winners()).containsExactly("3", "2");
    }
}
