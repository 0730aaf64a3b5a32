package io.github.bisonbackfill.bison.simulator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForeignSwitcherTest {

    @Test
    void foreignSwitcher_movesTheUserAround_untilStopped() throws Exception {
        try (BisonSimulator sim = BisonSimulator.builder()
                .instance("main", i -> i.generatedWorkspaces(4, 2, 1).foreignSwitcher(Duration.ofMillis(5)))
                .start()) {
            SimulatedInstance main = sim.instance();
            Set<Long> seen = new HashSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (seen.size() < 3 && System.nanoTime() < deadline) {
                seen.add(main.currentWorkspaceId());
                Thread.sleep(2);
            }
            assertThat(seen).hasSizeGreaterThanOrEqualTo(3);
            assertThat(main.counters().foreignSwitches()).isPositive();
            assertThat(main.counters().switchesAccepted()).isZero();
            main.stopForeignSwitcher();
            long after = main.counters().foreignSwitches();
            Thread.sleep(50);
            assertThat(main.counters().foreignSwitches()).isEqualTo(after);
        }
    }

    @Test
    void switchUserTo_actsLikeAPersonInTheWebUi() {
        TestClock clock = new TestClock();
        try (BisonSimulator sim = BisonSimulator.builder().clock(clock).switchLag(Duration.ofSeconds(1))
                .instance("main", i -> i.generatedWorkspaces(3, 2, 1)).start()) {
            SimulatedInstance main = sim.instance();
            assertThat(main.switchUserTo(3)).isEqualTo(clock.instant().plusSeconds(1));
            assertThat(main.currentWorkspaceId()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(1));
            assertThat(main.currentWorkspaceId()).isEqualTo(3);
            assertThat(main.counters().foreignSwitches()).isEqualTo(1);
            assertThatThrownBy(() -> main.switchUserTo(99)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void switchesTakeEffectInOrder_evenWithRandomLags() {
        TestClock clock = new TestClock();
        try (BisonSimulator sim = BisonSimulator.builder().clock(clock)
                .switchLag(Duration.ZERO, Duration.ofSeconds(1))
                .instance("main", i -> i.generatedWorkspaces(3, 2, 1)).start()) {
            SimulatedInstance main = sim.instance();
            var first = main.switchUserTo(2);
            var second = main.switchUserTo(3);
            assertThat(second).isAfterOrEqualTo(first);
            clock.advance(Duration.ofSeconds(1));
            assertThat(main.currentWorkspaceId()).isEqualTo(3);
        }
    }
}
