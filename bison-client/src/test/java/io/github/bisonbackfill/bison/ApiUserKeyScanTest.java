package io.github.bisonbackfill.bison;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiUserKeyScanTest {
    @RegisterExtension
    final FakeBisonExtension fake = new FakeBisonExtension();
    final FakeBison bison = fake.bison();

    @BeforeEach
    void setUp() {
        bison.workspace(37, "Harbor Insurance, LLC", 40, 10, 1000).apiKey(TestClients.KEY_37, 37);
    }

    private BisonClient client() {
        return fake.client().workspaceKey(37, TestClients.KEY_37).build();
    }

    @Test
    void scan_readsEveryPageToLastPage_keepsOnlyInterested_andSendsTheRightRequests() throws Exception {
        try (BisonClient client = client()) {
            ScanResult scan = client.scanInterestedReplies(37);

            assertThat(scan.replies()).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(bison.interestedIds(37));
            assertThat(scan.replies()).allMatch(Reply::interested);
            assertThat(scan.pagesRead()).isEqualTo(4);
            assertThat(scan.repliesSeen()).isEqualTo(50);
            assertThat(scan.totalAtStart()).isEqualTo(50);
            assertThat(scan.totalAtEnd()).isEqualTo(50);
            assertThat(scan.drifted()).isFalse();
            assertThat(scan.keyMode()).isEqualTo(KeyMode.API_USER_KEY);
            assertThat(scan.workspaceName()).isEqualTo("Harbor Insurance, LLC");
            assertThat(scan.instance()).isEqualTo("test-instance");
            assertThat(scan.violationsDetected()).isZero();
            assertThat(scan.fullScan()).isTrue();
        }
        List<RecordedRequest> recorded = new ArrayList<>();
        for (int i = 0; i < fake.server().getRequestCount(); i++) {
            recorded.add(fake.server().takeRequest());
        }
        assertThat(recorded).allSatisfy(r -> {
            assertThat(r.getHeaders().get("Accept")).isEqualTo("application/json");
            assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + TestClients.KEY_37);
        });
        assertThat(recorded.get(0).getTarget()).isEqualTo("/api/users");
        assertThat(recorded.subList(1, recorded.size())).extracting(RecordedRequest::getTarget)
                .containsExactlyInAnyOrder("/api/replies?status=interested&folder=all&page=1",
                        "/api/replies?status=interested&folder=all&page=2",
                        "/api/replies?status=interested&folder=all&page=3",
                        "/api/replies?status=interested&folder=all&page=4");
        assertThat(bison.countRequests("POST /api/workspaces/v1.1/switch-workspace")).isZero();
    }

    @Test
    void scan_mapsTheReplyAndItsLead() {
        try (BisonClient client = client()) {
            Reply reply = client.scanInterestedReplies(37).replies().stream().filter(r -> r.id() == 1000).findFirst()
                    .orElseThrow();
            assertThat(reply.uuid()).isEqualTo("uuid-1000");
            assertThat(reply.dateReceived()).isEqualTo(Instant.parse("2025-10-14T17:03:21Z"));
            assertThat(reply.lead().email()).isEqualTo("lead1000@ws37.example");
            assertThat(reply.lead().lastName()).isEqualTo("Last, 1000");
            assertThat(reply.lead().customVariables()).containsExactly(new CustomVariable("phone", "555-1000"));
            assertThat(reply.leadId()).isEqualTo(101_000L);
        }
    }

    @Test
    void scan_whenRepliesArriveMidScan_followsTheGrowingLastPage_andKeepsOneReplyPerId() {
        bison.replies.put(37L, new ArrayList<>(bison.replies.get(37L).subList(0, 30)));
        List<Long> before = bison.interestedIds(37);
        bison.fault = request -> {
            if (request.getTarget().endsWith("page=2") && bison.replies.get(37L).size() == 30) {
                // Newest first: 30 new replies push the ones already read onto later pages.
                List<Map<String, Object>> grown = new ArrayList<>();
                for (long id = 5000; id < 5030; id++) {
                    grown.add(FakeBison.reply(id, true, "new" + id + "@x.example"));
                }
                grown.addAll(bison.replies.get(37L));
                bison.replies.put(37L, grown);
            }
            return null;
        };
        try (BisonClient client = fake.client().workspaceKey(37, TestClients.KEY_37).pageParallelism(1)
                .build()) {
            ScanResult scan = client.scanInterestedReplies(37);

            assertThat(scan.pagesRead()).isEqualTo(4);
            assertThat(scan.totalAtStart()).isEqualTo(30);
            assertThat(scan.totalAtEnd()).isEqualTo(60);
            assertThat(scan.drifted()).isTrue();
            assertThat(scan.replies()).extracting(Reply::id).doesNotHaveDuplicates().containsAll(before);
            assertThat(scan.repliesSeen()).isEqualTo(60);
        }
    }

    @Test
    void scan_reportsEachAcceptedPageToTheListener_inOrder() {
        List<PageProgress> seen = Collections.synchronizedList(new ArrayList<>());
        try (BisonClient client = client()) {
            client.scanInterestedReplies(37, ScanOptions.builder().listener(seen::add).build());
        }
        assertThat(seen).extracting(PageProgress::page).containsExactly(1, 2, 3, 4);
        assertThat(seen).allMatch(p -> p.lastPage() == 4 && p.workspaceId() == 37);
        assertThat(seen).extracting(PageProgress::repliesOnPage).containsExactly(15, 15, 15, 5);
        assertThat(seen.stream().mapToInt(PageProgress::interestedOnPage).sum()).isEqualTo(40);
    }

    @Test
    void scan_acceptsStringNumbersUnknownFieldsNullsAndRawControlCharacters() throws IOException {
        String page = fixture("fixtures/replies-lenient.json");
        assertThat(page).contains("\u0001").contains("\u0007");
        bison.fault = request -> request.getTarget().startsWith("/api/replies") ? FakeBison.raw(200, page) : null;
        try (BisonClient client = client()) {
            ScanResult scan = client.scanInterestedReplies(37);

            assertThat(scan.repliesSeen()).isEqualTo(3);
            assertThat(scan.totalAtStart()).isEqualTo(3);
            assertThat(scan.replies()).extracting(Reply::id).containsExactly(88412L, 88413L);
            Reply first = scan.replies().get(0);
            assertThat(first.campaignId()).isEqualTo(412L);
            assertThat(first.leadId()).isEqualTo(730551L);
            assertThat(first.fromEmailAddress()).isEqualTo("Dana.Ortiz@acme-logistics.example ");
            assertThat(first.dateReceived()).isEqualTo(Instant.parse("2025-10-14T17:03:21Z"));
            assertThat(first.lead().customVariables()).containsExactly(new CustomVariable("phone", "555-0142"),
                    new CustomVariable("mobile", null));
            Reply second = scan.replies().get(1);
            assertThat(second.leadId()).isNull();
            assertThat(second.lead()).isNull();
            assertThat(second.subject()).isNull();
            assertThat(second.dateReceived()).isEqualTo(Instant.parse("2025-10-15T08:00:00Z"));
        }
    }

    @Test
    void scan_whenAPageIsMalformed_failsWithEndpointPageWorkspaceAndARedactedExcerpt() {
        bison.fault = request -> request.getTarget().endsWith("page=2")
                ? FakeBison.raw(200, "{\"data\": [{\"id\": 1, \"subject\": \"key " + TestClients.KEY_37 + "\", oops")
                : null;
        try (BisonClient client = client()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOfSatisfying(BisonMalformedResponseException.class, e -> {
                        assertThat(e.endpoint()).isEqualTo("GET /api/replies?status=interested&folder=all&page=2");
                        assertThat(e.page()).hasValue(2);
                        assertThat(e.workspaceId()).hasValue(37);
                        assertThat(e.excerpt()).contains("subject").contains("<redacted>")
                                .doesNotContain(TestClients.KEY_37).doesNotContain("ApiUserSecret");
                        assertThat(e.getMessage()).contains("workspace 37").contains("page=2")
                                .doesNotContain("ApiUserSecret");
                    });
        }
    }

    @Test
    void scan_whenPaginationIsMissing_failsInsteadOfGuessing() {
        bison.fault = request -> request.getTarget().startsWith("/api/replies")
                ? FakeBison.raw(200, "{\"data\": []}") : null;
        try (BisonClient client = client()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOf(BisonMalformedResponseException.class)
                    .hasMessageContaining("\"meta\"");
        }
    }

    @Test
    void scan_whenReplyHasNoId_failsWithMalformedResponse() {
        bison.fault = request -> request.getTarget().startsWith("/api/replies")
                ? FakeBison.raw(200, "{\"data\": [{\"interested\": true}], \"meta\": {\"last_page\": 1, \"total\": 1}}")
                : null;
        try (BisonClient client = client()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOf(BisonMalformedResponseException.class)
                    .hasMessageContaining("has no \"id\"");
        }
    }

    @Test
    void scan_ofAWorkspaceWithoutAnyKey_isRefused() {
        try (BisonClient client = client()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(99))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no key for workspace 99");
        }
    }

    @Test
    void scan_withAKeyOfAnotherWorkspace_isRefusedBeforeReadingReplies() {
        bison.workspace(38, "Other Co", 5, 0, 9000).apiKey(TestClients.KEY_38, 38);
        try (BisonClient client = fake.client().workspaceKey(37, TestClients.KEY_38).build()) {
            assertThatThrownBy(() -> client.scanInterestedReplies(37))
                    .isInstanceOfSatisfying(WorkspaceContextException.class, e -> {
                        assertThat(e.workspaceId()).isEqualTo(37);
                        assertThat(e.observed()).contains("belongs to workspace 38 (Other Co)");
                        assertThat(e.getMessage()).doesNotContain("ApiUserSecret");
                    });
            assertThat(bison.countRequests("GET /api/replies")).isZero();
            assertThat(client.safetyCounters().contextFailures()).isEqualTo(1);
        }
    }

    @Test
    void scan_checksTheKeyOnce_andReadsSeveralWorkspacesConcurrently() throws Exception {
        bison.workspace(38, "Other Co", 33, 2, 9000).apiKey(TestClients.KEY_38, 38);
        try (BisonClient client = fake.client().workspaceKey(37, TestClients.KEY_37)
                .workspaceKey(38, TestClients.KEY_38).build()) {
            List<Thread> threads = new ArrayList<>();
            Map<Long, ScanResult> results = new java.util.concurrent.ConcurrentHashMap<>();
            for (long ws : new long[] {37, 38, 37, 38}) {
                Thread t = new Thread(() -> results.put(ws, client.scanInterestedReplies(ws)));
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(results.get(37L).replies()).extracting(Reply::id)
                    .containsExactlyInAnyOrderElementsOf(bison.interestedIds(37));
            assertThat(results.get(38L).replies()).extracting(Reply::id)
                    .containsExactlyInAnyOrderElementsOf(bison.interestedIds(38));
            client.scanInterestedReplies(37);
            assertThat(bison.countRequests("GET /api/users")).isBetween(2L, 4L);
            assertThat(client.safetyCounters().violationsDetected()).isZero();
        }
    }

    @Test
    void tripwire_aReplyIdSeenUnderTwoWorkspaces_failsTheSecond() {
        bison.workspace(38, "Other Co", 5, 0, 9000).apiKey(TestClients.KEY_38, 38);
        bison.replies.get(38L).add(FakeBison.reply(1000, true, "dup@x.example"));
        try (BisonClient client = fake.client().workspaceKey(37, TestClients.KEY_37)
                .workspaceKey(38, TestClients.KEY_38).build()) {
            client.scanInterestedReplies(37);
            assertThatThrownBy(() -> client.scanInterestedReplies(38))
                    .isInstanceOfSatisfying(WorkspaceContextException.class, e -> {
                        assertThat(e.workspaceId()).isEqualTo(38);
                        assertThat(e.workspaceName()).isEqualTo("Other Co");
                        assertThat(e.observed()).contains("reply 1000").contains("workspace 37");
                    });
            assertThat(client.safetyCounters().violationsDetected()).isEqualTo(1);
        }
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = ApiUserKeyScanTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
