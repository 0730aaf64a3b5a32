package io.github.bisonbackfill.bison;

import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.RequestMatcher;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Replies that arrive after a super-admin pass read page 1 are kept from its proven closing read. */
class ClosingReadArrivalsTest {

    @Test
    void repliesArrivingAfterPage1WasRead_areKeptFromTheClosingRead() {
        try (BisonSimulator sim = BisonSimulator.builder().seed(31)
                .instance("main", i -> i.workspace(37, "O'Brien & Sons, LLC", 50, 10).workspace(12, "Café Ñandú (50%+)", 5, 1))
                .start();
             BisonClient client = BisonClient.builder().baseUrl(sim.instance("main").baseUrl())
                     .superAdminKey(sim.instance("main").superAdminKey()).switchSettleDelay(Duration.ofMillis(5))
                     .verificationInterval(Duration.ofMillis(5)).requestsPerSecond(1000).build()) {
            SimulatedInstance main = sim.instance("main");
            sim.onServed(RequestMatcher.repliesPage(3).onWorkspace(37), 1, () -> main.addReplies(37, 2));

            ScanResult scan = client.scanInterestedReplies(37);

            assertThat(main.interestedReplies(37)).hasSize(52);
            assertThat(scan.replies()).extracting(Reply::id)
                    .containsExactlyInAnyOrderElementsOf(main.interestedReplies(37).stream().map(Reply::id).toList());
            assertThat(scan.highestReplyId()).isEqualTo(main.interestedReplies(37).stream().mapToLong(Reply::id).max()
                    .orElseThrow());
            assertThat(scan.violationsDetected()).isZero();
        }
    }
}
