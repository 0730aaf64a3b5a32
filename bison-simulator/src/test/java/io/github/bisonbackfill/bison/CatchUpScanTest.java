package io.github.bisonbackfill.bison;

import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import io.github.bisonbackfill.bison.simulator.RecordedRequest;
import io.github.bisonbackfill.bison.simulator.ReplyOrder;
import io.github.bisonbackfill.bison.simulator.RequestMatcher;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Catch-up scans against the simulator: pages read, replies returned, order fallback, fences. */
class CatchUpScanTest {
    private static final Pattern PAGE = Pattern.compile("(?:^|&)page=(\\d+)");

    BisonSimulator sim;
    SimulatedInstance main;
    /** Workspace 37's interested reply ids before the test changes anything, newest first: 20 pages. */
    List<Long> truth;

    @BeforeEach
    void start() {
        sim = BisonSimulator.builder().seed(77)
                .instance("main", i -> i.workspace(37, "O'Brien & Sons, LLC", 300, 60)
                        .workspace(12, "Café Ñandú", 40, 10))
                .start();
        main = sim.instance("main");
        truth = ids(main.interestedReplies(37));
        assertThat(truth).hasSize(300);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static List<Long> ids(List<Reply> replies) {
        return replies.stream().map(Reply::id).toList();
    }

    private BisonClient.Builder fast() {
        return BisonClient.builder().baseUrl(main.baseUrl()).instanceName("main")
                .retryBaseDelay(Duration.ofMillis(1)).retryMaxDelay(Duration.ofMillis(5))
                .switchSettleDelay(Duration.ofMillis(1)).verificationInterval(Duration.ofMillis(2))
                .verificationAttempts(5).requestsPerSecond(10_000);
    }

    private BisonClient apiUserClient() {
        return fast().workspaceKey(37, main.mintApiUserKey(37)).build();
    }

    private BisonClient superAdminClient() {
        return fast().superAdminKey(main.superAdminKey()).build();
    }

    private static ScanOptions catchUp(long highWater, long margin) {
        return ScanOptions.builder().catchUp(highWater, margin).build();
    }

    /** The page numbers of the replies requests logged, in log order. */
    private List<Integer> pagesRequested() {
        List<Integer> pages = new ArrayList<>();
        for (RecordedRequest r : main.requestLog(r -> r.endpoint() == Endpoint.REPLIES)) {
            Matcher m = PAGE.matcher(r.query());
            assertThat(m.find()).as("page in %s", r.query()).isTrue();
            pages.add(Integer.parseInt(m.group(1)));
        }
        return pages;
    }

    @Test
    void catchUp_afterThreeNewInterestedReplies_readsPageOneOnly_andReturnsTheNewPlusTheKnownOnesThere() {
        try (BisonClient client = apiUserClient()) {
            ScanResult full = client.scanInterestedReplies(37);
            assertThat(full.highestReplyId()).isEqualTo(truth.get(0));
            assertThat(full.fullScan()).isTrue();
            assertThat(full.fellBack()).isFalse();

            List<Long> added = ids(main.addReplies(37, 3));
            List<Long> now = ids(main.interestedReplies(37));
            sim.clearRequestLog();
            List<Integer> pagesHeard = new CopyOnWriteArrayList<>();
            ScanResult scan = client.scanInterestedReplies(37, ScanOptions.builder()
                    .catchUp(full.highestReplyId(), 0).listener(p -> pagesHeard.add(p.page())).build());

            assertThat(pagesRequested()).containsExactly(1);
            assertThat(pagesHeard).containsExactly(1);
            assertThat(ids(scan.replies())).containsExactlyElementsOf(now.subList(0, 15)).containsAll(added);
            assertThat(scan.pagesRead()).isEqualTo(1);
            assertThat(scan.fullScan()).isFalse();
            assertThat(scan.fellBack()).isFalse();
            assertThat(scan.fallbackReason()).isNull();
            assertThat(scan.highestReplyId()).isEqualTo(added.stream().mapToLong(Long::longValue).max().orElseThrow());
            assertThat(scan.totalAtStart()).isEqualTo(303);
            assertThat(scan.drifted()).isFalse();
        }
    }

    @Test
    void catchUp_withAMargin_readsUntilThePageBelowTheThreshold_andReturnsEveryReplyAtOrAboveIt() {
        long highWater = truth.get(0);
        try (BisonClient client = apiUserClient()) {
            // Threshold just above page 1's smallest id: page 1 already holds an id below it.
            ScanResult one = client.scanInterestedReplies(37, catchUp(highWater, highWater - truth.get(14) - 1));
            assertThat(pagesRequested()).containsExactly(1);
            assertThat(ids(one.replies())).containsExactlyElementsOf(truth.subList(0, 15));

            // Threshold at page 1's smallest id: nothing on page 1 is below it, so page 2 is read too.
            sim.clearRequestLog();
            ScanResult two = client.scanInterestedReplies(37, catchUp(highWater, highWater - truth.get(14)));
            assertThat(pagesRequested()).containsExactly(1, 2);
            assertThat(ids(two.replies())).containsExactlyElementsOf(truth.subList(0, 30));
            assertThat(two.fullScan()).isFalse();

            // Threshold inside page 3: batches double (1, 1, 2), so page 4 is read with page 3.
            sim.clearRequestLog();
            long threshold = truth.get(35);
            ScanResult four = client.scanInterestedReplies(37, catchUp(highWater, highWater - threshold));
            assertThat(pagesRequested()).containsExactlyInAnyOrder(1, 2, 3, 4);
            assertThat(pagesRequested().subList(0, 2)).containsExactly(1, 2);
            assertThat(ids(four.replies())).containsExactlyElementsOf(truth.subList(0, 60))
                    .containsAll(truth.stream().filter(id -> id >= threshold).toList());
            assertThat(four.pagesRead()).isEqualTo(4);
            assertThat(four.fullScan()).isFalse();

            // A margin larger than the high-water mark: threshold 0, every page.
            sim.clearRequestLog();
            ScanResult all = client.scanInterestedReplies(37, catchUp(highWater, highWater + 5));
            assertThat(pagesRequested()).hasSize(20).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList());
            assertThat(ids(all.replies())).containsExactlyInAnyOrderElementsOf(truth);
            assertThat(all.fullScan()).isTrue();
            assertThat(all.fellBack()).isFalse();
        }
    }

    @Test
    void catchUp_whenNothingIsNew_readsOnePage() {
        try (BisonClient client = apiUserClient()) {
            ScanResult scan = client.scanInterestedReplies(37, ScanOptions.builder().catchUp(truth.get(0) + 50_000).build());

            assertThat(pagesRequested()).containsExactly(1);
            assertThat(ids(scan.replies())).containsExactlyElementsOf(truth.subList(0, 15));
            assertThat(scan.fullScan()).isFalse();
            assertThat(scan.highestReplyId()).isEqualTo(truth.get(0));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ReplyOrder.class, names = {"OLDEST_FIRST", "SHUFFLED"})
    void catchUp_whenTheServerDoesNotListNewestFirst_fallsBackToAFullScanAndSaysWhy(ReplyOrder order) {
        main.replyOrder(37, order);
        try (BisonClient client = apiUserClient()) {
            ScanResult scan = client.scanInterestedReplies(37, ScanOptions.builder().catchUp(truth.get(0)).build());

            assertThat(scan.fellBack()).isTrue();
            assertThat(scan.fallbackReason()).contains("page 1").contains("not in descending order");
            assertThat(scan.fullScan()).isTrue();
            assertThat(scan.pagesRead()).isEqualTo(20);
            assertThat(ids(scan.replies())).containsExactlyInAnyOrderElementsOf(truth);
            assertThat(scan.highestReplyId()).isEqualTo(truth.get(0));
            List<Integer> pages = pagesRequested();
            assertThat(pages).hasSize(20).doesNotHaveDuplicates();
        }
    }

    @Test
    void catchUp_whenRepliesArriveMidScan_toleratesTheRepeatsTheyCause_withoutFallingBack() {
        long highWater = truth.get(0);
        long threshold = truth.get(35);
        List<Long> arrived = new CopyOnWriteArrayList<>();
        // Right after page 1 is served, 4 replies arrive: page 2 then starts with page 1's last 4.
        sim.onServed(RequestMatcher.repliesPage(1).onWorkspace(37), 1,
                () -> arrived.addAll(ids(main.addReplies(37, 4))));
        try (BisonClient client = apiUserClient()) {
            ScanResult scan = client.scanInterestedReplies(37, catchUp(highWater, highWater - threshold));

            assertThat(arrived).hasSize(4);
            assertThat(scan.fellBack()).isFalse();
            assertThat(scan.fullScan()).isFalse();
            assertThat(ids(scan.replies())).doesNotHaveDuplicates()
                    .containsAll(truth.stream().filter(id -> id >= threshold).toList())
                    .doesNotContainAnyElementsOf(arrived);
            assertThat(scan.repliesSeen()).isEqualTo(60);
            assertThat(scan.replies()).hasSize(56);
            assertThat(scan.drifted()).isTrue();
            assertThat(scan.totalAtStart()).isEqualTo(300);
            assertThat(scan.totalAtEnd()).isEqualTo(304);
        }
    }

    @Test
    void catchUp_withTheSuperAdminKey_keepsTheSwitchVerificationAndFences() {
        main.switchUserTo(12);
        try (BisonClient client = superAdminClient()) {
            ScanResult scan = client.scanInterestedReplies(37, ScanOptions.builder().catchUp(truth.get(0) + 50_000).build());

            assertThat(ids(scan.replies())).containsExactlyElementsOf(truth.subList(0, 15));
            assertThat(scan.keyMode()).isEqualTo(KeyMode.SUPER_ADMIN_SWITCHING);
            assertThat(scan.fullScan()).isFalse();
        }
        List<String> log = main.requestLog().stream()
                .map(r -> r.method() + " " + r.path() + (r.endpoint() == Endpoint.REPLIES ? " ws" + r.workspaceId() : ""))
                .toList();
        assertThat(log).containsExactly(
                "GET /api/users",                                 // the user, for the session lock
                "GET /api/replies ws12",                          // probe before the switch
                "POST /api/workspaces/v1.1/switch-workspace",
                "GET /api/users",                                 // verification
                "GET /api/replies ws37",                          // page 1, flipped
                "GET /api/users",                                 // the fence after the group
                "GET /api/users",                                 // the settle delay, watched, before the closing read
                "GET /api/replies ws37",                          // closing read of page 1
                "GET /api/users");                                // its fence
    }

    @Test
    void catchUp_whenAnotherActorSwitchesMidCatchUp_detectsIt_discardsAndReReads() {
        main.switchUserTo(12);
        // Right after page 1 of workspace 37 is served (the first time), someone switches the user to
        // workspace 12: page 2 comes from workspace 12 until the fence notices.
        sim.onServed(RequestMatcher.repliesPage(1).onWorkspace(37), 1, () -> main.switchUserTo(12));
        long highWater = truth.get(0);
        try (BisonClient client = superAdminClient()) {
            ScanResult scan = client.scanInterestedReplies(37, catchUp(highWater, highWater - truth.get(20)));

            assertThat(scan.violationsDetected()).isEqualTo(1);
            assertThat(scan.violationsRecovered()).isEqualTo(1);
            assertThat(ids(scan.replies())).containsExactlyElementsOf(truth.subList(0, 30))
                    .doesNotContainAnyElementsOf(ids(main.interestedReplies(12)));
            assertThat(scan.fellBack()).isFalse();
            assertThat(scan.fullScan()).isFalse();
            assertThat(client.safetyCounters().switches()).isEqualTo(2);
        }
        assertThat(main.requestLog(r -> r.endpoint() == Endpoint.REPLIES && r.query().contains("page=2")))
                .extracting(RecordedRequest::workspaceId).containsExactly(12L, 37L);
    }
}
