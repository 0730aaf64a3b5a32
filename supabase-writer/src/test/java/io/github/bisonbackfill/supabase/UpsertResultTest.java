package io.github.bisonbackfill.supabase;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class UpsertResultTest {
    private static RejectedRow reject(int id) {
        return new RejectedRow(Map.of("id", id), new PostgrestError(400, "23502", "null value", null, null));
    }

    @Test
    void plus_addsTheCounts_andKeepsTheRejectsInOrder() {
        UpsertResult a = new UpsertResult(10, 8, 2, 1, 1, List.of(reject(1)), 8);
        UpsertResult b = new UpsertResult(5, 3, 1, 0, 0, List.of(reject(2), reject(3)), 2);

        UpsertResult sum = a.plus(b);

        assertThat(sum.rowsSubmitted()).isEqualTo(15);
        assertThat(sum.rowsAcknowledged()).isEqualTo(11);
        assertThat(sum.batches()).isEqualTo(3);
        assertThat(sum.retries()).isEqualTo(1);
        assertThat(sum.duplicatesDropped()).isEqualTo(1);
        assertThat(sum.rowsAffected()).isEqualTo(10);
        assertThat(sum.rejected()).extracting(r -> r.row().get("id")).containsExactly(1, 2, 3);
        assertThat(a.complete()).isTrue();
        assertThat(b.complete()).isTrue();
        assertThat(sum.complete()).isTrue();
    }

    @Test
    void plus_ofAnIncompleteResult_isIncomplete() {
        UpsertResult complete = new UpsertResult(2, 2, 1, 0, 0, List.of());
        UpsertResult incomplete = new UpsertResult(3, 1, 1, 0, 0, List.of());

        assertThat(complete.plus(incomplete).complete()).isFalse();
        assertThat(incomplete.plus(complete).complete()).isFalse();
    }
}
