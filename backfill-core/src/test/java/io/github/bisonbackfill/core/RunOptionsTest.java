package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.ScanOptions;
import org.junit.jupiter.api.Test;

import java.time.YearMonth;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunOptionsTest {

    @Test
    void sinceLast_defaultsToTheClientsMargin_andIsOffByDefault() {
        assertThat(RunOptions.defaults().sinceLast()).isFalse();
        RunOptions o = RunOptions.builder().sinceLast(true).build();
        assertThat(o.sinceLast()).isTrue();
        assertThat(o.catchUpMargin()).isEqualTo(RunOptions.DEFAULT_CATCH_UP_MARGIN)
                .isEqualTo(ScanOptions.DEFAULT_CATCH_UP_MARGIN);
        assertThat(RunOptions.builder().sinceLast(true).catchUpMargin(0).build().catchUpMargin()).isZero();
        assertThat(o.toString()).contains("sinceLast");
    }

    @Test
    void inconsistentCatchUpOptions_areRefusedWithTheReason() {
        assertThatThrownBy(() -> RunOptions.builder().catchUpMargin(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> RunOptions.builder().catchUpMargin(50).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sinceLast(true)");
        assertThatThrownBy(() -> RunOptions.builder().sinceLast(true).resume(true).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be resumed");
        BillingWindow w = BillingWindow.month(YearMonth.of(2026, 3), ZoneId.of("America/Los_Angeles"));
        assertThatThrownBy(() -> RunOptions.builder().sinceLast(true).billing(w).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("every page");
    }
}
