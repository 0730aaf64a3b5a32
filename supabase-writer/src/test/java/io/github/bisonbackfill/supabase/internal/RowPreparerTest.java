package io.github.bisonbackfill.supabase.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bisonbackfill.supabase.DuplicateRule;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowPreparerTest {
    private final RowPreparer preparer = new RowPreparer(new ObjectMapper());

    @Test
    void numbersThatPostgresConsidersEqual_areOneConflictKey() {
        RowPreparer.Prepared p = preparer.prepare(List.of(Map.of("id", 1, "v", "a"), Map.of("id", 1L, "v", "b"),
                Map.of("id", 1.0, "v", "c")), List.of("id"), DuplicateRule.lastWins(), 100, 1_000_000);

        assertThat(p.duplicatesDropped()).isEqualTo(2);
        assertThat(p.batches()).singleElement().satisfies(b -> assertThat(b.rows()).singleElement()
                .satisfies(r -> assertThat(r.row()).containsEntry("v", "c")));
    }

    @Test
    void batchesAreCutByRowsAndByBytes_andGroupedByKeySet() {
        List<Map<String, Object>> rows = List.of(Map.of("id", 1, "v", "x".repeat(40)), Map.of("id", 2, "v", "x".repeat(40)),
                Map.of("id", 3, "v", "x".repeat(40)), Map.of("id", 4), Map.of("id", 5));

        RowPreparer.Prepared p = preparer.prepare(rows, List.of("id"), DuplicateRule.lastWins(), 2, 120);

        assertThat(p.batches()).extracting(b -> b.rows().size()).containsExactly(2, 1, 2);
        assertThat(p.batches()).extracting(RowPreparer.Batch::columns)
                .containsExactly(List.of("id", "v"), List.of("id", "v"), List.of("id"));
        assertThat(new String(p.batches().get(2).rows().get(0).json(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":4}");
    }

    @Test
    void aRuleThatChangesTheKey_isRefused() {
        assertThatThrownBy(() -> preparer.prepare(List.of(Map.of("id", 1), Map.of("id", 1)), List.of("id"),
                (kept, incoming) -> Map.of("id", 2), 10, 1000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("same conflict key");
    }
}
