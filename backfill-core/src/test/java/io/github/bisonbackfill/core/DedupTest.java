package io.github.bisonbackfill.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DedupTest {
    record Item(String key, int rank, String tag) {
    }

    @Test
    void keepingGreatest_keepsTheGreatestPerKey_inOrderOfFirstAppearance() {
        List<Item> in = List.of(new Item("b", 1, "b1"), new Item("a", 5, "a5"), new Item("b", 3, "b3"),
                new Item("c", 2, "c2"), new Item("a", 4, "a4"));
        DedupResult<Item> r = Dedup.<Item, String>keepingGreatest(Item::key, Comparator.comparingInt(Item::rank)).apply(in);
        assertThat(r.unique()).extracting(Item::tag).containsExactly("b3", "a5", "c2");
        assertThat(r.inputCount()).isEqualTo(5);
        assertThat(r.duplicatesDropped()).isEqualTo(2);
    }

    @Test
    void keepingGreatest_onTie_keepsTheFirstSeen() {
        List<Item> in = List.of(new Item("a", 1, "first"), new Item("a", 1, "second"));
        DedupResult<Item> r = Dedup.<Item, String>keepingGreatest(Item::key, Comparator.comparingInt(Item::rank)).apply(in);
        assertThat(r.unique()).extracting(Item::tag).containsExactly("first");
    }

    @Test
    void keepingFirst_keepsTheFirstSeen() {
        List<Item> in = List.of(new Item("a", 1, "a1"), new Item("a", 9, "a9"), new Item("b", 0, "b0"));
        assertThat(Dedup.<Item, String>keepingFirst(Item::key).apply(in).unique()).extracting(Item::tag)
                .containsExactly("a1", "b0");
    }

    @Test
    void apply_isDeterministic_forTheSameInput() {
        List<Item> in = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            in.add(new Item("k" + (i * 7919 % 1000), i % 13, "t" + i));
        }
        Dedup<Item, String> d = Dedup.keepingGreatest(Item::key, Comparator.comparingInt(Item::rank));
        assertThat(d.apply(in)).isEqualTo(d.apply(in));
        assertThat(d.apply(in).unique()).hasSize(1000);
    }

    @Test
    void apply_nullKey_failsNamingTheIndex() {
        List<Item> in = Arrays.asList(new Item("a", 1, "x"), new Item(null, 1, "y"));
        assertThatThrownBy(() -> Dedup.<Item, String>keepingFirst(Item::key).apply(in))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("index 1");
    }

    @Test
    void apply_nullItem_failsNamingTheIndex() {
        List<Item> in = Arrays.asList(new Item("a", 1, "x"), null);
        assertThatThrownBy(() -> Dedup.<Item, String>keepingFirst(Item::key).apply(in))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("index 1");
    }
}
