package io.github.bisonbackfill.bison;

import com.fasterxml.jackson.databind.JsonNode;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SuperAdminSafetyTest {
    @RegisterExtension
    final FakeBisonExtension fake = new FakeBisonExtension();
    final FakeBison bison = fake.bison();

    @BeforeEach
    void setUp() {
        bison.workspace(1, "Agency HQ", 20, 0, 1)
                .workspace(12, "Acme Logistics", 20, 3, 500)
                .workspace(37, "Harbor Insurance", 40, 5, 1000);
        bison.currentTeam = 1;
    }

    private BisonClient client() {
        return fake.client().superAdminKey(FakeBison.SUPER_KEY).build();
    }

    private List<RecordedRequest> recorded() throws InterruptedException {
        List<RecordedRequest> out = new ArrayList<>();
        int n = fake.server().getRequestCount();
        for (int i = 0; i < n; i++) {
            out.add(fake.server().takeRequest());
        }
        return out;
    }

    @Test
    void scan_switchesWithTeamId_verifies_provesTheDataFlipped_andFencesThePages() throws Exception {
        try (BisonClient client = client()) {
            ScanResult scan = client.scanInterestedReplies(37);

            assertThat(scan.keyMode()).isEqualTo(KeyMode.SUPER_ADMIN_SWITCHING);
            assertThat(scan.workspaceName()).isEqualTo("Harbor Insurance");
            assertThat(scan.replies()).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(bison.interestedIds(37));
            assertThat(scan.pagesRead()).isEqualTo(3);
            assertThat(scan.violationsDetected()).isZero();
            assertThat(client.safetyCounters().switches()).isEqualTo(1);
        }
        List<RecordedRequest> requests = recorded();
        List<String> lines = requests.stream().map(r -> r.getMethod() + " " + r.getTarget()).toList();
        assertThat(lines.subList(0, 5)).containsExactly(
                "GET /api/users",                                             // who is the user (lock key)
                "GET /api/replies?status=interested&folder=all&page=1",       // probe before the switch
                "POST /api/workspaces/v1.1/switch-workspace",
                "GET /api/users",                                             // verification
                "GET /api/replies?status=interested&folder=all&page=1");      // differs from the probe
        // Pages 2 and 3 are read in parallel inside the fence: their order is not fixed.
        assertThat(lines.subList(5, 7)).containsExactlyInAnyOrder(
                "GET /api/replies?status=interested&folder=all&page=2",
                "GET /api/replies?status=interested&folder=all&page=3");
        assertThat(lines.subList(7, lines.size())).containsExactly(
                "GET /api/users",                                             // after-fence
                "GET /api/users",                                             // watched settle before the closing read
                "GET /api/replies?status=interested&folder=all&page=1",       // closing read of page 1
                "GET /api/users");                                            // its fence
        JsonNode switchBody = FakeBison.readBody(requests.get(2));
        assertThat(switchBody.get("team_id").asLong()).isEqualTo(37);
        assertThat(switchBody.has("workspace_id")).isFalse();
        assertThat(requests.get(2).getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(requests).allSatisfy(r ->
                assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + FakeBison.SUPER_KEY));
    }

    @Test
    void scan_withTheDefaultSettleDelay_watchesTheReadBackThroughIt_afterTheSwitchAndBeforeTheClosingRead() {
        // Time moves only by the waits the client asks for, so the two settle delays are exactly
        // 2 s / 250 ms = 8 waits each, whatever the server's speed.
        FakeTiming timing = FakeTiming.stopped(java.time.Instant.parse("2025-10-14T17:03:21Z"));
        try (BisonClient client = fake.client().superAdminKey(FakeBison.SUPER_KEY)
                .switchSettleDelay(BisonClient.DEFAULT_SWITCH_SETTLE_DELAY)
                .verificationInterval(BisonClient.DEFAULT_VERIFICATION_INTERVAL).timing(timing).build()) {
            ScanResult scan = client.scanInterestedReplies(37);

            assertThat(scan.replies()).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(bison.interestedIds(37));
            assertThat(scan.violationsDetected()).isZero();
        }
        int checksPerSettle = (int) (BisonClient.DEFAULT_SWITCH_SETTLE_DELAY.toMillis()
                / BisonClient.DEFAULT_VERIFICATION_INTERVAL.toMillis());
        assertThat(timing.waits()).containsExactlyElementsOf(
                java.util.Collections.nCopies(2 * checksPerSettle, BisonClient.DEFAULT_VERIFICATION_INTERVAL));
        // 1 to identify the user, one read-back after each wait of the two settle delays, 1 after-fence
        // of the group, 1 after the closing read.
        assertThat(bison.countRequests("GET /api/users")).isEqualTo(1 + 2 * checksPerSettle + 1 + 1);
    }

    @Test
    void scan_whenTheSwitchIsConfirmedLate_pollsUntilItShows() {
        bison.usersStaleAfterSwitch = 3;
        try (BisonClient client = client()) {
            ScanResult scan = client.scanInterestedReplies(37);

            assertThat(scan.replies()).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(bison.interestedIds(37));
            assertThat(scan.violationsDetected()).isZero();
            // 1 to identify the user, 4 to verify (3 stale), 1 after-fence, 1 watching the settle delay
            // before the closing read, 1 after it.
            assertThat(bison.countRequests("GET /api/users")).isEqualTo(8);
        }
    }

    @Test
    void scan_whenTheSwitchIsNeverConfirmed_failsWithoutReadingUnderTheUnverifiedContext() {
        bison.ignoreSwitches = true;
        try (BisonClient client = fake.client().superAdminKey(FakeBison.SUPER_KEY).maxContextRecoveries(2)
                .build()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOfSatisfying(WorkspaceContextException.class, e -> {
                        assertThat(e.workspaceId()).isEqualTo(37);
                        assertThat(e.workspaceName()).isEqualTo("Harbor Insurance");
                        assertThat(e.getMessage()).startsWith("workspace 37 (Harbor Insurance): switch not confirmed "
                                + "after 5 checks in ").contains("current workspace is 1 (Agency HQ)")
                                .contains("another process may be switching this user");
                    });
            assertThat(client.safetyCounters().switches()).isEqualTo(3);
            assertThat(client.safetyCounters().violationsDetected()).isEqualTo(3);
            assertThat(client.safetyCounters().violationsRecovered()).isZero();
            assertThat(client.safetyCounters().contextFailures()).isEqualTo(1);
        }
        // The only replies requests are the probes taken before each switch; nothing after a switch.
        List<String> log = new ArrayList<>(bison.requests);
        int firstSwitch = log.indexOf("POST /api/workspaces/v1.1/switch-workspace");
        for (int i = firstSwitch; i < log.size(); i++) {
            if (log.get(i).startsWith("GET /api/replies")) {
                assertThat(log.get(i - 1)).as("a replies request at %d follows a check, not a switch", i)
                        .isEqualTo("GET /api/users");
                assertThat(log.get(i + 1)).isEqualTo("POST /api/workspaces/v1.1/switch-workspace");
            }
        }
    }

    @Test
    void scan_whenSomeoneSwitchesMidScan_discardsTheGroupAndReReadsIt() {
        // Request 1 is the probe, 2 is page 1 after the switch; before request 3 another actor
        // switches the user to workspace 12 and stays there.
        bison.beforeSuperReplies = n -> {
            if (n == 3) {
                bison.currentTeam = 12;
            }
        };
        try (BisonClient client = client()) {
            ScanResult scan = client.scanInterestedReplies(37);

            assertThat(scan.replies()).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(bison.interestedIds(37));
            assertThat(scan.replies()).extracting(Reply::id).doesNotContainAnyElementsOf(bison.interestedIds(12));
            assertThat(scan.pagesRead()).isEqualTo(3);
            assertThat(scan.violationsDetected()).isEqualTo(1);
            assertThat(scan.violationsRecovered()).isEqualTo(1);
            assertThat(client.safetyCounters().violationsDetected()).isEqualTo(1);
            assertThat(client.safetyCounters().violationsRecovered()).isEqualTo(1);
            assertThat(client.safetyCounters().switches()).isEqualTo(2);
        }
    }

    @Test
    void scan_whenAPageComesFromAnotherWorkspaceBetweenGoodChecks_theTotalGivesItAway() {
        // A bounce: page 2 is served from workspace 12 while the read-back says 37 before and after.
        bison.servedFrom = n -> n == 3 ? 12L : null;
        try (BisonClient client = client()) {
            ScanResult scan = client.scanInterestedReplies(37);

            assertThat(scan.replies()).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(bison.interestedIds(37));
            assertThat(scan.violationsDetected()).isEqualTo(1);
            assertThat(scan.violationsRecovered()).isEqualTo(1);
            assertThat(scan.totalAtStart()).isEqualTo(45);
            assertThat(scan.totalAtEnd()).isEqualTo(45);
        }
    }

    @Test
    void scan_whenAForeignBounceIsStillInTheDataOnTheReRead_reEstablishesInsteadOfTakingItForDrift() {
        // Regression (found by the benchmark's random race): another actor switched the user away and
        // back within one fence group, and the data trailed the read-back, so the immediate re-read of
        // the group came from the other workspace too. Its total differed consistently, and the scan
        // took that for replies arriving mid-scan, keeping workspace 12's replies as 37's. Request 3
        // (a page of the group) and requests 5-11 (the next reads after it: the re-establishment's probe
        // and the 6 reads of its flip wait) are served from workspace 12: the data trails the read-back
        // through the whole flip wait, never longer. Time moves only by the waits (FakeTiming.stopped),
        // so that wait (5 x 2 ms) is 6 reads however fast the server answers.
        bison.servedFrom = n -> n == 3 || (n >= 5 && n <= 11) ? 12L : null;
        FakeTiming timing = FakeTiming.stopped(java.time.Instant.parse("2025-10-14T17:03:21Z"));
        try (BisonClient client = fake.client().superAdminKey(FakeBison.SUPER_KEY).timing(timing).build()) {
            ScanResult scan = client.scanInterestedReplies(37);

            assertThat(scan.replies()).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(bison.interestedIds(37));
            assertThat(scan.replies()).extracting(Reply::id).doesNotContainAnyElementsOf(bison.interestedIds(12));
            assertThat(scan.totalAtStart()).isEqualTo(45);
            assertThat(scan.totalAtEnd()).isEqualTo(45);
            assertThat(scan.violationsDetected()).isEqualTo(1);
            assertThat(scan.violationsRecovered()).isEqualTo(1);
            // The first re-establishment's flip wait (10 ms here) ends while the data still holds
            // workspace 12's page 1: the re-read's totals then disagree, a violation, one more switch.
            assertThat(client.safetyCounters().switches()).isEqualTo(3);
        }
    }

    @Test
    void scan_whenAWholeShortPassComesFromAnotherWorkspace_theClosingReadOfPage1ExposesIt() {
        // Regression (found by the benchmark's random race): another actor bounced the user through
        // workspace 12 and the data trailed the read-back, so the flip read of page 1 and the rest of
        // the pass came from 12 while every read-back said 37; the expected total came from that page
        // 1, so the totals agreed. Requests 2 and 3 (page 1 after the switch, page 2) come from 12.
        bison.servedFrom = n -> n == 2 || n == 3 ? 12L : null;
        try (BisonClient client = client()) {
            ScanResult scan = client.scanInterestedReplies(37);

            assertThat(scan.replies()).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(bison.interestedIds(37));
            assertThat(scan.replies()).extracting(Reply::id).doesNotContainAnyElementsOf(bison.interestedIds(12));
            assertThat(scan.pagesRead()).isEqualTo(3);
            assertThat(scan.totalAtStart()).isEqualTo(45);
            assertThat(scan.violationsDetected()).isEqualTo(1);
            assertThat(scan.violationsRecovered()).isEqualTo(1);

            // The discarded pass left nothing in the tripwire: workspace 12's own scan is clean.
            ScanResult twelve = client.scanInterestedReplies(12);
            assertThat(twelve.replies()).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(bison.interestedIds(12));
            assertThat(twelve.violationsDetected()).isZero();
        }
    }

    @Test
    void scan_whenTheDataLagsBehindTheReadBack_waitsForTheDataToFlip() {
        // The read-back shows 37 at once, but the first two replies requests after the switch still
        // serve the previous workspace (1): a server whose data endpoints trail the read-back.
        bison.servedFrom = n -> n == 2 || n == 3 ? 1L : null;
        // The flip is awaited for verificationAttempts x verificationInterval: give it room to happen.
        try (BisonClient client = fake.client().superAdminKey(FakeBison.SUPER_KEY)
                .verificationAttempts(20).verificationInterval(java.time.Duration.ofMillis(50)).build()) {
            ScanResult scan = client.scanInterestedReplies(37);

            assertThat(scan.replies()).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(bison.interestedIds(37));
            assertThat(scan.replies()).extracting(Reply::id).doesNotContainAnyElementsOf(bison.interestedIds(1));
            assertThat(scan.violationsDetected()).isZero();
        }
        assertThat(bison.superRepliesRequests.get()).isEqualTo(7); // 6 + the closing read of page 1
    }

    @Test
    void scan_whenContextKeepsChanging_failsAfterTheRecoveries_namingWorkspaceAndCause() {
        bison.beforeSuperReplies = n -> {
            // Every replies request that follows the data flip finds the user switched away.
            if (bison.currentTeam == 37 && n % 2 == 1) {
                bison.currentTeam = 12;
            }
        };
        try (BisonClient client = fake.client().superAdminKey(FakeBison.SUPER_KEY).maxContextRecoveries(2)
                .build()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOfSatisfying(WorkspaceContextException.class, e -> {
                        assertThat(e.getMessage()).startsWith("workspace 37 (Harbor Insurance): ")
                                .contains("current workspace was 12 (Acme Logistics)")
                                .contains("(2 recovery rounds in a row proved nothing)")
                                .contains("another process may be switching this user");
                    });
            assertThat(client.safetyCounters().contextFailures()).isEqualTo(1);
        }
    }

    @Test
    void scan_whenAnotherActorSwitchesAwayEveryFewRequests_completesBecauseEveryRoundProvesAGroup() {
        bison.workspace(37, "Harbor Insurance", 200, 10, 1000);
        // Every 5th replies request finds the user switched away: each fence group in its way fails once,
        // and the re-read after the recovery proves it, so every round makes progress.
        bison.beforeSuperReplies = n -> {
            if (n % 5 == 0) {
                bison.currentTeam = 12;
            }
        };
        try (BisonClient client = fake.client().superAdminKey(FakeBison.SUPER_KEY)
                .fenceGroupSize(2).pageParallelism(1).maxContextRecoveries(1).build()) {
            ScanResult scan = client.scanInterestedReplies(37);

            assertThat(scan.replies()).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(bison.interestedIds(37));
            assertThat(scan.violationsDetected()).as("violations").isGreaterThan(2);
            assertThat(scan.violationsRecovered()).isEqualTo(scan.violationsDetected());
            assertThat(client.safetyCounters().contextFailures()).isZero();
        }
    }

    @Test
    void scan_whenRoundsProveNothing_waitsLongerBeforeEach_andGivesUpAfterTheCount() {
        bison.ignoreSwitches = true;
        LogCapture.Result run = LogCapture.capture(() -> {
            try (BisonClient client = fake.client().superAdminKey(FakeBison.SUPER_KEY).maxContextRecoveries(3)
                    .contextRecoveryBaseDelay(java.time.Duration.ofMillis(40))
                    .contextRecoveryMaxDelay(java.time.Duration.ofMillis(100)).build()) {
                assertThatThrownBy(() -> client.scanInterestedReplies(37))
                        .isInstanceOfSatisfying(WorkspaceContextException.class, e -> {
                            assertThat(e.retryable()).isTrue();
                            assertThat(e.getMessage()).contains("(3 recovery rounds in a row proved nothing)")
                                    .contains("run.key_store");
                        });
                assertThat(client.safetyCounters().switches()).isEqualTo(4);
            }
        });
        // Before rounds 1-3 without progress: 40, 80 and 100 (capped) ms, jittered down by at most half.
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("switching again in (\\d+) ms \\(rounds without progress (\\d)/3\\)").matcher(run.log());
        java.util.List<long[]> waits = new java.util.ArrayList<>();
        while (m.find()) {
            waits.add(new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(1))});
        }
        assertThat(waits).hasSize(3);
        assertThat(waits.get(0)[0]).isEqualTo(1);
        assertThat(waits.get(0)[1]).isBetween(20L, 40L);
        assertThat(waits.get(1)[1]).isBetween(40L, 80L);
        assertThat(waits.get(2)[1]).isBetween(50L, 100L);
    }

    @Test
    void scan_whenNothingIsProvenWithinTheBudget_givesUpEvenWithRoundsLeft() {
        bison.ignoreSwitches = true;
        try (BisonClient client = fake.client().superAdminKey(FakeBison.SUPER_KEY).maxContextRecoveries(1000)
                .contextRecoveryBudget(java.time.Duration.ofMillis(300)).build()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOfSatisfying(WorkspaceContextException.class, e ->
                            assertThat(e.getMessage()).contains("contextRecoveryBudget PT0.3S"));
        }
    }

    @Test
    void tripwire_aReplyIdUnderTwoWorkspaces_failsTheSecondAfterRecoveries() {
        bison.replies.get(12L).add(FakeBison.reply(1000, true, "dup@x.example"));
        try (BisonClient client = fake.client().superAdminKey(FakeBison.SUPER_KEY).maxContextRecoveries(1)
                .build()) {
            client.scanInterestedReplies(37);
            assertThatThrownBy(() -> client.scanInterestedReplies(12))
                    .isInstanceOfSatisfying(WorkspaceContextException.class, e ->
                            assertThat(e.observed()).contains("reply 1000").contains("workspace 37"));
            assertThat(client.safetyCounters().violationsDetected()).isEqualTo(2);
        }
    }

    @Test
    void twoClientsOfOneInstanceAndUser_shareTheSessionLock_soConcurrentScansNeverInterfere() throws Exception {
        bison.workspace(38, "Beacon Dental", 35, 0, 3000);
        Map<Long, ScanResult> results = new ConcurrentHashMap<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (BisonClient a = client(); BisonClient b = client()) {
            List<Thread> threads = new ArrayList<>();
            long[][] plan = {{37, 12}, {38, 1}};
            BisonClient[] clients = {a, b};
            for (int i = 0; i < 2; i++) {
                BisonClient c = clients[i];
                long[] workspaces = plan[i];
                threads.add(new Thread(() -> {
                    try {
                        for (int round = 0; round < 3; round++) {
                            for (long ws : workspaces) {
                                results.put(ws, c.scanInterestedReplies(ws));
                            }
                        }
                    } catch (Throwable t) {
                        errors.add(t);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(errors).isEmpty();
            for (long ws : new long[] {1, 12, 37, 38}) {
                assertThat(results.get(ws).replies()).extracting(Reply::id)
                        .containsExactlyInAnyOrderElementsOf(bison.interestedIds(ws));
            }
            assertThat(a.safetyCounters().violationsDetected() + b.safetyCounters().violationsDetected()).isZero();
        }
    }

    @Test
    void stats_underSuperAdmin_isSwitchedVerifiedAndFenced_andParsesStringNumbers() {
        try (BisonClient client = client()) {
            WorkspaceStats stats = client.stats(37, LocalDate.of(2025, 1, 1), LocalDate.of(2025, 1, 31));

            assertThat(stats.workspaceId()).isEqualTo(37);
            assertThat(stats.emailsSent()).isEqualTo(1200);
            assertThat(stats.interested()).isEqualTo(40);
            assertThat(stats.uniqueRepliesPerContact()).isEqualTo(37);
            assertThat(stats.bounced()).isEqualTo(3);
        }
        assertThat(bison.requests).containsSubsequence("POST /api/workspaces/v1.1/switch-workspace", "GET /api/users",
                "GET /api/workspaces/v1.1/stats?start_date=2025-01-01&end_date=2025-01-31", "GET /api/users");
    }

    @Test
    void stats_whenTheContextChangesDuringTheCall_isReadAgain() {
        bison.fault = request -> {
            if (request.getTarget().startsWith("/api/workspaces/v1.1/stats") && bison.countRequests("GET /api/workspaces/v1.1/stats") == 1) {
                bison.currentTeam = 12;
                return bison.dispatchStats(12);
            }
            return null;
        };
        try (BisonClient client = client()) {
            WorkspaceStats stats = client.stats(37, LocalDate.of(2025, 1, 1), LocalDate.of(2025, 1, 31));
            assertThat(stats.uniqueRepliesPerContact()).isEqualTo(37);
            assertThat(client.safetyCounters().violationsRecovered()).isEqualTo(1);
        }
    }

    @Test
    void lead_byEmail_isUrlEncoded_andAbsentLeadIsEmpty() {
        String email = bison.replies.get(37L).get(0).get("from_email_address").toString();
        try (BisonClient client = client()) {
            Optional<Lead> lead = client.lead(37, " " + email + " ");
            assertThat(lead).map(Lead::email).hasValue(email);
            assertThat(client.lead(37, "nobody+tag@x.example")).isEmpty();
        }
        assertThat(bison.requests).contains("GET /api/leads/" + email.replace("@", "%40"),
                "GET /api/leads/nobody%2Btag%40x.example");
    }

    @Test
    void listWorkspaces_returnsIdsAndNames() {
        try (BisonClient client = client()) {
            assertThat(client.listWorkspaces()).containsExactly(new Workspace(1, "Agency HQ"),
                    new Workspace(12, "Acme Logistics"), new Workspace(37, "Harbor Insurance"));
        }
        assertThat(bison.countRequests("POST /api/workspaces/v1.1/switch-workspace")).isZero();
    }

    @Test
    void mint_postsTheNameWithoutSwitching_andRedactsTheTokenInToString() throws Exception {
        MintedKey key;
        try (BisonClient client = client()) {
            key = client.mintApiUserKey(37, "bison-backfill");
        }
        assertThat(key.token()).isEqualTo("99|MintedSecretTokenZZZZ9999");
        assertThat(key.workspaceId()).isEqualTo(37);
        assertThat(key.name()).isEqualTo("bison-backfill");
        assertThat(key.toString()).doesNotContain("MintedSecret");
        RecordedRequest post = fake.server().takeRequest();
        assertThat(post.getTarget()).isEqualTo("/api/workspaces/v1.1/37/api-tokens");
        assertThat(FakeBison.readBody(post).get("name").asText()).isEqualTo("bison-backfill");
        assertThat(bison.countRequests("POST /api/workspaces/v1.1/switch-workspace")).isZero();
    }

    @Test
    void ownKeyWinsOverSuperAdmin_andNeedsNoSwitch() {
        bison.apiKey(TestClients.KEY_37, 37);
        try (BisonClient client = fake.client().superAdminKey(FakeBison.SUPER_KEY)
                .workspaceKey(37, TestClients.KEY_37).build()) {
            assertThat(client.keyModeFor(37)).isEqualTo(KeyMode.API_USER_KEY);
            assertThat(client.keyModeFor(12)).isEqualTo(KeyMode.SUPER_ADMIN_SWITCHING);
            assertThat(client.scanInterestedReplies(37).keyMode()).isEqualTo(KeyMode.API_USER_KEY);
        }
        assertThat(bison.countRequests("POST /api/workspaces/v1.1/switch-workspace")).isZero();
    }
}
