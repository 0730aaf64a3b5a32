package io.github.bisonbackfill.bison;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Catch-up order evidence against a hand-written fake that, like a careless server, ignores
 * {@code status=interested} (not-interested replies are listed too), and the catch-up value types.
 */
class CatchUpOrderTest {
    @RegisterExtension
    final FakeBisonExtension fake = new FakeBisonExtension();
    final FakeBison bison = fake.bison();

    @BeforeEach
    void setUp() {
        // 40 interested + 10 not, ids 1000..1049: 4 pages of 15.
        bison.workspace(37, "Harbor Insurance", 40, 10, 1000).newestFirst(37).apiKey(TestClients.KEY_37, 37);
    }

    private BisonClient client() {
        return fake.client().workspaceKey(37, TestClients.KEY_37).build();
    }

    private long repliesRequests() {
        return bison.countRequests("GET /api/replies");
    }

    @Test
    void catchUp_whenALaterPageHoldsAnIdAboveAnEarlierPage_fallsBackToAFullScan() {
        // Each page descends on its own, but the first reply of page 2 and the last of page 1 are swapped.
        List<Map<String, Object>> list = bison.replies.get(37L);
        Collections.swap(list, 14, 15);
        List<Long> served = bison.servedIds(37);
        try (BisonClient client = client()) {
            // Threshold below page 1's smallest id, so page 2 must be read.
            ScanResult scan = client.scanInterestedReplies(37, ScanOptions.builder().catchUp(served.get(20), 0).build());

            assertThat(scan.fellBack()).isTrue();
            assertThat(scan.fallbackReason()).isEqualTo("reply " + served.get(15) + " on page 2 is not below reply "
                    + served.get(14) + " read earlier on page 1");
            assertThat(scan.fullScan()).isTrue();
            assertThat(scan.pagesRead()).isEqualTo(4);
            assertThat(scan.replies()).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(bison.interestedIds(37));
            assertThat(repliesRequests()).isEqualTo(4);
        }
    }

    @Test
    void catchUp_judgesOrderAndThresholdOnEveryListedReply_andTheHighWaterMarkIncludesNotInterestedOnes() {
        // The newest listed reply is not interested (a server ignoring status=interested).
        List<Map<String, Object>> list = bison.replies.get(37L);
        list.add(0, FakeBison.reply(2000, false, "newest@ws37.example"));
        try (BisonClient client = client()) {
            ScanResult scan = client.scanInterestedReplies(37, ScanOptions.builder().catchUp(2000, 0).build());

            assertThat(repliesRequests()).isEqualTo(1);
            assertThat(scan.fullScan()).isFalse();
            assertThat(scan.fellBack()).isFalse();
            assertThat(scan.highestReplyId()).isEqualTo(2000);
            assertThat(scan.replies()).extracting(Reply::id).doesNotContain(2000L).allMatch(id -> id < 2000);
            assertThat(scan.repliesSeen()).isEqualTo(15);
        }
    }

    @Test
    void catchUp_whenTheThresholdIsOnTheLastPage_isAFullScan() {
        List<Long> served = bison.servedIds(37);
        try (BisonClient client = client()) {
            ScanResult scan = client.scanInterestedReplies(37,
                    ScanOptions.builder().catchUp(served.get(0), served.get(0) - served.get(48)).build());

            assertThat(repliesRequests()).isEqualTo(4);
            assertThat(scan.fullScan()).isTrue();
            assertThat(scan.fellBack()).isFalse();
            assertThat(scan.replies()).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(bison.interestedIds(37));
        }
    }

    @Test
    void scanOptions_catchUp_defaultsAndValidation() {
        assertThat(ScanOptions.defaults().highWaterReplyId()).isEmpty();
        assertThat(ScanOptions.defaults().catchUpThreshold()).isEmpty();
        assertThat(ScanOptions.defaults().toString()).contains("full scan");

        ScanOptions withDefaultMargin = ScanOptions.builder().catchUp(5_000).build();
        assertThat(withDefaultMargin.highWaterReplyId()).hasValue(5_000);
        assertThat(withDefaultMargin.catchUpMargin()).isEqualTo(ScanOptions.DEFAULT_CATCH_UP_MARGIN).isEqualTo(1_000);
        assertThat(withDefaultMargin.catchUpThreshold()).hasValue(4_000);
        assertThat(withDefaultMargin.toString()).contains("catch-up from reply 5000 minus 1000");
        assertThat(ScanOptions.builder().catchUp(10, 0).build().catchUpThreshold()).hasValue(10);
        assertThat(ScanOptions.builder().catchUp(10, 50).build().catchUpThreshold()).hasValue(0);

        assertThatThrownBy(() -> ScanOptions.builder().catchUp(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("highWaterReplyId");
        assertThatThrownBy(() -> ScanOptions.builder().catchUp(10, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("margin");
    }

    @Test
    void scanResult_oldConstructor_derivesTheHighWaterMarkFromTheReplies_andAFallbackNeedsAFullScan() {
        Reply a = new Reply(41, "u41", null, null, "Inbox", true, false, "Untracked Reply", "s", null, null, null,
                "n", "a@x.example", null, null, null);
        Reply b = new Reply(97, "u97", null, null, "Inbox", true, false, "Untracked Reply", "s", null, null, null,
                "n", "b@x.example", null, null, null);
        ScanResult old = new ScanResult("i", 37, "W", KeyMode.API_USER_KEY, List.of(a, b), 1, 2, 2, 2, 0, 0, true,
                Duration.ZERO);
        assertThat(old.highestReplyId()).isEqualTo(97);
        assertThat(old.fallbackReason()).isNull();
        assertThat(old.fellBack()).isFalse();
        assertThat(new ScanResult("i", 37, "W", KeyMode.API_USER_KEY, List.of(), 1, 0, 0, 0, 0, 0, true,
                Duration.ZERO).highestReplyId()).isZero();
        assertThatThrownBy(() -> new ScanResult("i", 37, "W", KeyMode.API_USER_KEY, List.of(), 1, 0, 0, 0, 0, 0,
                false, Duration.ZERO, 0, "order broken", false)).isInstanceOf(IllegalArgumentException.class);
    }
}
