package io.github.bisonbackfill.supabase;

import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Faults the real PostgREST will not produce on demand (413, 429, 503 bursts, 504, timeouts), against mockwebserver3. */
class SupabaseWriterHttpTest {
    private static final String KEY = "eyJhbGciOiJIUzI1NiJ9.secret-test-key.sig";
    private static final ObjectMapper JSON = new ObjectMapper();

    @StartStop
    public final MockWebServer server = new MockWebServer();

    private final List<SupabaseWriter> writers = new ArrayList<>();

    @AfterEach
    void closeWriters() {
        writers.forEach(SupabaseWriter::close);
    }

    private SupabaseWriter.Builder builder() {
        return SupabaseWriter.builder()
                .restUrl(server.url("/").toString())
                .apiKey(KEY)
                .concurrentBatches(1)
                .retryBaseDelay(Duration.ofMillis(1))
                .retryMaxDelay(Duration.ofMillis(5))
                .attemptTimeout(Duration.ofSeconds(5));
    }

    private SupabaseWriter writer(SupabaseWriter.Builder b) {
        SupabaseWriter w = b.build();
        writers.add(w);
        return w;
    }

    private static MockResponse ok(int status, long count) {
        return new MockResponse.Builder().code(status).addHeader("Content-Range", "*/" + count).build();
    }

    private static MockResponse error(int status, String code, String message) {
        return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json")
                .body("{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"details\":null,\"hint\":null}").build();
    }

    private static List<Map<String, Object>> rows(int n) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", i);
            row.put("name", "row " + i);
            rows.add(row);
        }
        return rows;
    }

    private static UpsertOptions byId() {
        return UpsertOptions.builder().onConflict("id").build();
    }

    private List<Map<String, Object>> bodyOf(RecordedRequest r) throws IOException {
        return JSON.readValue(r.getBody().utf8(), JSON.getTypeFactory().constructCollectionType(List.class, Map.class));
    }

    @Test
    void upsert_sendsKeyHeadersPreferColumnsAndConflictTarget() throws Exception {
        server.enqueue(ok(201, 2));
        SupabaseWriter w = writer(builder().schema("crm"));

        UpsertResult r = w.upsert("client leads", rows(2), UpsertOptions.builder().onConflict("id", "name")
                .resolution(Resolution.IGNORE_DUPLICATES).build());

        RecordedRequest req = server.takeRequest();
        assertThat(req.getMethod()).isEqualTo("POST");
        assertThat(req.getTarget()).isEqualTo("/client%20leads?columns=id,name&on_conflict=id,name");
        assertThat(req.getHeaders().get("apikey")).isEqualTo(KEY);
        assertThat(req.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(req.getHeaders().get("Content-Profile")).isEqualTo("crm");
        assertThat(req.getHeaders().get("Prefer")).isEqualTo("resolution=ignore-duplicates,return=minimal,count=exact");
        assertThat(req.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(bodyOf(req)).containsExactly(Map.of("id", 0, "name", "row 0"), Map.of("id", 1, "name", "row 1"));
        assertThat(r).isEqualTo(new UpsertResult(2, 2, 1, 0, 0, List.of(), 2));
    }

    @Test
    void projectUrl_appendsRestV1() throws Exception {
        server.enqueue(ok(200, 1));
        SupabaseWriter w = writer(builder().projectUrl(server.url("/").toString()));
        w.upsert("t", rows(1), byId());
        assertThat(server.takeRequest().getTarget()).startsWith("/rest/v1/t?");
        assertThat(w.restUrl()).endsWith("/rest/v1");
    }

    @Test
    void upsert_413_splitsTheBatchUntilTheServerAcceptsIt() throws Exception {
        server.enqueue(new MockResponse.Builder().code(413).body("<html>Request Entity Too Large</html>").build());
        server.enqueue(ok(201, 2));
        server.enqueue(ok(201, 2));
        SupabaseWriter w = writer(builder().batchSize(10));

        UpsertResult r = w.upsert("t", rows(4), byId());

        assertThat(r.rowsAcknowledged()).isEqualTo(4);
        assertThat(r.batches()).isEqualTo(2);
        assertThat(r.retries()).isZero();
        assertThat(r.complete()).isTrue();
        assertThat(bodyOf(server.takeRequest())).hasSize(4);
        assertThat(bodyOf(server.takeRequest())).extracting(m -> m.get("id")).containsExactly(0, 1);
        assertThat(bodyOf(server.takeRequest())).extracting(m -> m.get("id")).containsExactly(2, 3);
    }

    @Test
    void upsert_413_forASingleRow_reportsTheRowAsRejected() {
        server.enqueue(new MockResponse.Builder().code(413).build());
        server.enqueue(new MockResponse.Builder().code(413).build());
        server.enqueue(ok(201, 1));
        SupabaseWriter w = writer(builder());

        UpsertResult r = w.upsert("t", rows(2), byId());

        assertThat(r.rowsAcknowledged()).isEqualTo(1);
        assertThat(r.rejected()).singleElement().satisfies(rej -> {
            assertThat(rej.row()).containsEntry("id", 0);
            assertThat(rej.error().status()).isEqualTo(413);
        });
        assertThat(r.complete()).isTrue();
    }

    @Test
    void upsert_statementTimeout57014_and504_splitTheBatch() throws Exception {
        server.enqueue(error(500, "57014", "canceling statement due to statement timeout"));
        server.enqueue(new MockResponse.Builder().code(504).body("upstream timed out").build());
        server.enqueue(ok(201, 2));
        server.enqueue(ok(201, 2));
        server.enqueue(ok(201, 4));
        SupabaseWriter w = writer(builder());

        UpsertResult r = w.upsert("t", rows(8), byId());

        assertThat(r.rowsAcknowledged()).isEqualTo(8);
        assertThat(r.batches()).isEqualTo(3);
        assertThat(server.getRequestCount()).isEqualTo(5);
        assertThat(bodyOf(server.takeRequest())).hasSize(8);
        assertThat(bodyOf(server.takeRequest())).hasSize(4);
        assertThat(bodyOf(server.takeRequest())).hasSize(2);
    }

    @Test
    void upsert_429WithRetryAfter_waitsAndRetries() {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "1").build());
        server.enqueue(ok(201, 3));
        SupabaseWriter w = writer(builder());

        UpsertResult r = w.upsert("t", rows(3), byId());

        assertThat(r.retries()).isEqualTo(1);
        assertThat(r.rowsAcknowledged()).isEqualTo(3);
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void upsert_burstOf503AndPgrst003_isRetriedUntilAccepted() {
        server.enqueue(error(503, "PGRST000", "Database connection error"));
        server.enqueue(new MockResponse.Builder().code(503).build());
        server.enqueue(error(504, "PGRST003", "Timed out acquiring connection from connection pool."));
        server.enqueue(new MockResponse.Builder().code(502).build());
        server.enqueue(ok(201, 2));
        SupabaseWriter w = writer(builder());

        UpsertResult r = w.upsert("t", rows(2), byId());

        assertThat(r.retries()).isEqualTo(4);
        assertThat(r.rowsAcknowledged()).isEqualTo(2);
        assertThat(server.getRequestCount()).isEqualTo(5);
    }

    @Test
    void upsert_503UntilAttemptsRunOut_failsWithServiceExceptionAndAttempts() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(error(503, "PGRST001", "Database client error"));
        }
        SupabaseWriter w = writer(builder().maxAttempts(3));

        assertThatThrownBy(() -> w.upsert("t", rows(2), byId()))
                .isInstanceOfSatisfying(SupabaseServiceException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.error().code()).isEqualTo("PGRST001");
                    assertThat(e.getMessage()).contains("upsert into t", "after 3 attempts").doesNotContain(KEY);
                });
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void upsert_attemptTimeout_abortsTheAttemptAndRetries() {
        server.enqueue(new MockResponse.Builder().code(201).addHeader("Content-Range", "*/1")
                .headersDelay(3, TimeUnit.SECONDS).build());
        server.enqueue(ok(201, 1));
        SupabaseWriter w = writer(builder().attemptTimeout(Duration.ofMillis(200)));

        UpsertResult r = w.upsert("t", rows(1), byId());

        assertThat(r.retries()).isEqualTo(1);
        assertThat(r.rowsAcknowledged()).isEqualTo(1);
    }

    @Test
    void upsert_timeoutOnEveryAttempt_failsWithIoException() {
        for (int i = 0; i < 2; i++) {
            server.enqueue(new MockResponse.Builder().code(201).headersDelay(3, TimeUnit.SECONDS).build());
        }
        SupabaseWriter w = writer(builder().attemptTimeout(Duration.ofMillis(150)).maxAttempts(2));

        assertThatThrownBy(() -> w.upsert("t", rows(1), byId()))
                .isInstanceOf(SupabaseIoException.class)
                .hasMessageContaining("timed out").hasMessageContaining("2 attempts");
    }

    @Test
    void upsert_connectionRefused_isRetriedThenFailsWithIoException() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        SupabaseWriter w = writer(builder().restUrl("http://127.0.0.1:" + closedPort).maxAttempts(3));

        assertThatThrownBy(() -> w.upsert("t", rows(1), byId()))
                .isInstanceOf(SupabaseIoException.class)
                .hasMessageContaining("3 attempts")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void upsert_400And409RequestErrors_areNeverRetried() {
        server.enqueue(error(400, "PGRST204", "Column 'zzz' of relation 't' does not exist"));
        SupabaseWriter w = writer(builder());

        assertThatThrownBy(() -> w.upsert("t", rows(3), byId()))
                .isInstanceOfSatisfying(SupabaseServiceException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.getMessage()).contains("PGRST204", "column");
                });
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void upsert_409OnOneRow_isBisectedAndReportedWhileTheRestIsWritten() {
        server.enqueue(error(409, "23505", "duplicate key value violates unique constraint \\\"t_email_key\\\""));
        server.enqueue(ok(201, 2));
        server.enqueue(error(409, "23505", "duplicate key value violates unique constraint \\\"t_email_key\\\""));
        server.enqueue(ok(201, 1));
        server.enqueue(error(409, "23505", "duplicate"));
        SupabaseWriter w = writer(builder());

        UpsertResult r = w.upsert("t", rows(4), byId());

        assertThat(r.rowsAcknowledged()).isEqualTo(3);
        assertThat(r.rejected()).singleElement().satisfies(rej -> {
            assertThat(rej.row()).containsEntry("id", 3);
            assertThat(rej.error().code()).isEqualTo("23505");
            assertThat(rej.error().status()).isEqualTo(409);
        });
        assertThat(r.retries()).isZero();
        assertThat(r.complete()).isTrue();
    }

    @Test
    void upsert_401And403And404_failFastWithSpecificExceptions() {
        server.enqueue(error(401, "PGRST301", "JWSError JWSInvalidSignature"));
        server.enqueue(error(403, "42501", "permission denied for table t"));
        server.enqueue(new MockResponse.Builder().code(404).body("{}").build());
        SupabaseWriter w = writer(builder());

        assertThatThrownBy(() -> w.upsert("t", rows(1), byId())).isInstanceOf(SupabaseAuthException.class)
                .hasMessageContaining("service_role").hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> w.upsert("t", rows(1), byId())).isInstanceOf(SupabaseAuthException.class)
                .hasMessageContaining("row-level security");
        assertThatThrownBy(() -> w.upsert("t", rows(1), byId())).isInstanceOf(SupabaseNotFoundException.class)
                .hasMessageContaining("reload schema");
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void insert_isNotRetriedAfter502_becauseTheServerMayHaveWrittenIt() throws Exception {
        server.enqueue(new MockResponse.Builder().code(502).build());
        SupabaseWriter w = writer(builder());

        assertThatThrownBy(() -> w.insert("t", rows(2)))
                .isInstanceOfSatisfying(SupabaseServiceException.class, e -> assertThat(e.status()).isEqualTo(502));
        assertThat(server.getRequestCount()).isEqualTo(1);
        RecordedRequest req = server.takeRequest();
        assertThat(req.getTarget()).isEqualTo("/t?columns=id,name");
        assertThat(req.getHeaders().get("Prefer")).isEqualTo("return=minimal,count=exact");
    }

    @Test
    void insert_504_isNotSplitNorRetried() {
        server.enqueue(new MockResponse.Builder().code(504).build());
        SupabaseWriter w = writer(builder());

        assertThatThrownBy(() -> w.insert("t", rows(4))).isInstanceOf(SupabaseServiceException.class)
                .hasMessageContaining("may have written");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void insert_isRetriedAfter429And503_whichMeanNotProcessed() {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "0").build());
        server.enqueue(error(503, "PGRST000", "Database connection error"));
        server.enqueue(ok(201, 2));
        SupabaseWriter w = writer(builder());

        UpsertResult r = w.insert("t", rows(2));

        assertThat(r.retries()).isEqualTo(2);
        assertThat(r.rowsAcknowledged()).isEqualTo(2);
    }

    @Test
    void insertAndUpsert_areRetriedAfterADeadlock_whichRolledTheTransactionBack() {
        server.enqueue(error(500, "40P01", "deadlock detected"));
        server.enqueue(ok(201, 2));
        server.enqueue(error(500, "40001", "could not serialize access"));
        server.enqueue(ok(200, 2));
        SupabaseWriter w = writer(builder());

        assertThat(w.insert("t", rows(2)).retries()).isEqualTo(1);
        assertThat(w.upsert("t", rows(2), byId()).retries()).isEqualTo(1);
        assertThat(server.getRequestCount()).isEqualTo(4);
    }

    @Test
    void insert_isNotRetriedWhenTheConnectionDropsAfterSending() {
        server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
        SupabaseWriter w = writer(builder());

        assertThatThrownBy(() -> w.insert("t", rows(1))).isInstanceOf(SupabaseIoException.class)
                .hasMessageContaining("may have written");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void count_parsesContentRangeOf200And206AndEmpty() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Range", "0-24/3573").build());
        server.enqueue(new MockResponse.Builder().code(206).addHeader("Content-Range", "0-0/12").build());
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Range", "*/0").build());
        SupabaseWriter w = writer(builder());

        assertThat(w.count("t", Filter.eq("workspace_name", "O'Brien & Sons, LLC"))).isEqualTo(3573);
        assertThat(w.count("t")).isEqualTo(12);
        assertThat(w.count("t")).isZero();

        RecordedRequest req = server.takeRequest();
        assertThat(req.getMethod()).isEqualTo("HEAD");
        assertThat(req.getHeaders().get("Prefer")).isEqualTo("count=exact");
        assertThat(req.getTarget()).isEqualTo("/t?select=*&workspace_name=eq.O%27Brien%20%26%20Sons%2C%20LLC");
    }

    @Test
    void upsert_answeredWithout_aContentRangeCount_failsInsteadOfCountingTheRowsAsWritten() {
        // e.g. a proxy or a wrong URL answering 200 with a page of its own
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "text/html").body("<html>ok</html>").build());
        SupabaseWriter w = writer(builder());
        assertThatThrownBy(() -> w.upsert("t", List.of(Map.of("id", 1)), UpsertOptions.builder().onConflict("id").build()))
                .isInstanceOf(SupabaseIoException.class).hasMessageContaining("without a Content-Range count")
                .hasMessageContaining("1 rows of this batch may not be stored");
    }

    @Test
    void anErrorThrownByTheListener_propagatesAsItself_alsoFromPooledBatches() {
        server.enqueue(ok(201, 1));
        server.enqueue(ok(201, 1));
        SupabaseWriter w = writer(builder().batchSize(1).concurrentBatches(2));
        UpsertOptions options = UpsertOptions.builder().onConflict("id").listener(p -> {
            throw new OutOfMemoryError("listener");
        }).build();
        assertThatThrownBy(() -> w.upsert("t", List.of(Map.of("id", 1), Map.of("id", 2)), options))
                .isInstanceOf(OutOfMemoryError.class).hasMessage("listener");
    }

    @Test
    void aUrlWithCredentialsOrAQuery_isRefused_withoutEchoingThem() {
        assertThatThrownBy(() -> SupabaseWriter.builder().restUrl("https://svc:s3cretpass@db.example.com/rest/v1").apiKey(KEY).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("credentials")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cretpass"));
        assertThatThrownBy(() -> SupabaseWriter.builder().restUrl("https://db.example.com/rest/v1?apikey=eyJhbGciOiJIUzI1NiJ9.x.y")
                .apiKey(KEY).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("query")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("eyJhbGci"));
    }

    @Test
    void count_withoutContentRange_failsInsteadOfGuessing() {
        server.enqueue(new MockResponse.Builder().code(200).build());
        SupabaseWriter w = writer(builder());
        assertThatThrownBy(() -> w.count("t")).isInstanceOf(SupabaseIoException.class).hasMessageContaining("Content-Range");
    }

    @Test
    void select_pagesWithLimitOffsetAndOrder_untilTheCountIsReached() throws Exception {
        server.enqueue(new MockResponse.Builder().code(206).addHeader("Content-Range", "0-1/3")
                .body("[{\"a\":1,\"b\":\"x\"},{\"a\":2,\"b\":\"y\"}]").build());
        server.enqueue(new MockResponse.Builder().code(206).addHeader("Content-Range", "2-2/3")
                .body("[{\"a\":3,\"b\":\"z\"}]").build());
        SupabaseWriter w = writer(builder().pageSize(2));

        List<Map<String, Object>> rows = w.select("t", "a, b", Filter.gt("a", 0));

        assertThat(rows).extracting(m -> m.get("a")).containsExactly(1, 2, 3);
        assertThat(server.takeRequest().getTarget()).isEqualTo("/t?select=a,b&order=a,b&a=gt.0&limit=2&offset=0");
        assertThat(server.takeRequest().getTarget()).isEqualTo("/t?select=a,b&order=a,b&a=gt.0&limit=2&offset=2");
    }

    @Test
    void build_refusesPlainHttpToNonLoopbackHosts_unlessAllowed() {
        assertThatThrownBy(() -> SupabaseWriter.builder().restUrl("http://db.example.com").apiKey(KEY).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("allowInsecureHttp");
        writer(SupabaseWriter.builder().restUrl("http://db.example.com").apiKey(KEY).allowInsecureHttp(true));
        writer(SupabaseWriter.builder().restUrl("http://localhost:3000").apiKey(KEY));
        writer(SupabaseWriter.builder().projectUrl("https://abc.supabase.co/").apiKey(KEY));
    }

    @Test
    void build_failsFastOnMissingSettings() {
        assertThatThrownBy(() -> SupabaseWriter.builder().apiKey(KEY).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("projectUrl");
        assertThatThrownBy(() -> SupabaseWriter.builder().restUrl("http://127.0.0.1:1").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("apiKey");
        // A value out of range is refused by its setter (IllegalArgumentException), not only by build().
        assertThatThrownBy(() -> SupabaseWriter.builder().apiKey(KEY + "\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whitespace").hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> SupabaseWriter.builder().batchSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("batchSize must be at least 1, got 0");
        assertThatThrownBy(() -> UpsertOptions.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("onConflict");
    }

    @Test
    void toString_neverShowsTheKey() {
        SupabaseWriter w = writer(builder());
        assertThat(w.toString()).doesNotContain(KEY).contains("<redacted>");
    }

    @Test
    void upsert_badRows_failWithSpecificExceptionsBeforeSending() {
        SupabaseWriter w = writer(builder());
        List<Object> withNull = new ArrayList<>(rows(2));
        withNull.add(null);
        assertThatThrownBy(() -> w.upsert("t", withNull, byId())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 2 is null");
        assertThatThrownBy(() -> w.upsert("t", List.of("not a row"), byId())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 0");
        assertThatThrownBy(() -> w.upsert("t", List.of(Map.of()), byId())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no columns");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void upsert_rowsWithANullConflictKey_areRejectedWithoutBeingSent() {
        server.enqueue(ok(201, 1));
        SupabaseWriter w = writer(builder());
        Map<String, Object> noKey = new LinkedHashMap<>();
        noKey.put("id", null);
        noKey.put("name", "orphan");

        UpsertResult r = w.upsert("t", List.of(Map.of("id", 1, "name", "a"), noKey, Map.of("name", "no id")), byId());

        assertThat(r.rowsAcknowledged()).isEqualTo(1);
        assertThat(r.rejected()).hasSize(2).allSatisfy(rej -> {
            assertThat(rej.error().status()).isZero();
            assertThat(rej.error().code()).isEqualTo("23502");
        });
        assertThat(r.complete()).isTrue();
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void upsert_listenerSeesEveryBatchInOrderOfCompletion() {
        for (int i = 0; i < 3; i++) {
            server.enqueue(ok(201, i < 2 ? 2 : 1));
        }
        SupabaseWriter w = writer(builder().batchSize(2));
        List<BatchProgress> seen = new ArrayList<>();

        w.upsert("t", rows(5), UpsertOptions.builder().onConflict("id").listener(seen::add).build());

        assertThat(seen).extracting(BatchProgress::rowsDone).containsExactly(2L, 4L, 5L);
        assertThat(seen).allSatisfy(p -> assertThat(p.rowsTotal()).isEqualTo(5));
        assertThat(seen).extracting(BatchProgress::batchRows).containsExactly(2, 2, 1);
    }

    @Test
    void upsertCountAndSelect_areRetriedAfterATransient500_butNotAfter501Or505() {
        server.enqueue(new MockResponse.Builder().code(500).addHeader("Content-Type", "application/json")
                .body("{\"message\":\"Internal Server Error\"}").build());
        server.enqueue(error(500, "53300", "sorry, too many clients already"));
        server.enqueue(ok(200, 2));
        server.enqueue(error(500, "57P01", "terminating connection due to administrator command"));
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Range", "*/7").build());
        server.enqueue(new MockResponse.Builder().code(520).build());
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Range", "0-0/1").body("[{\"a\":1}]").build());
        SupabaseWriter w = writer(builder());

        assertThat(w.upsert("t", rows(2), byId()).retries()).isEqualTo(2);
        assertThat(w.count("t")).isEqualTo(7);
        assertThat(w.select("t", "a")).extracting(m -> m.get("a")).containsExactly(1);
        assertThat(server.getRequestCount()).isEqualTo(7);

        for (int status : new int[] {501, 505}) {
            server.enqueue(new MockResponse.Builder().code(status).build());
            int before = server.getRequestCount();
            assertThatThrownBy(() -> w.count("t"))
                    .isInstanceOfSatisfying(SupabaseServiceException.class, e -> assertThat(e.status()).isEqualTo(status));
            assertThat(server.getRequestCount() - before).as("attempts for " + status).isEqualTo(1);
        }
    }

    @Test
    void upsert_500WithAnSqlErrorThatWouldRecur_isNotRetried() {
        server.enqueue(error(500, "42883", "function lower(integer) does not exist"));
        SupabaseWriter w = writer(builder());

        assertThatThrownBy(() -> w.upsert("t", rows(1), byId()))
                .isInstanceOfSatisfying(SupabaseServiceException.class, e -> assertThat(e.status()).isEqualTo(500));
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void insert_isNotRetriedAfterAGateway500_becauseTheServerMayHaveWrittenIt() {
        server.enqueue(new MockResponse.Builder().code(500).build());
        SupabaseWriter w = writer(builder());

        assertThatThrownBy(() -> w.insert("t", rows(2))).isInstanceOf(SupabaseServiceException.class);
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void select_whoseAnswerIsCutShort_isAskedAgain_andFailsAfterTheBudget() {
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Range", "0-1/2").body("[{\"a\":1},{\"a\"").build());
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Range", "0-1/2").body("[{\"a\":1},{\"a\":2}]").build());
        SupabaseWriter w = writer(builder());

        assertThat(w.select("t", "a")).extracting(m -> m.get("a")).containsExactly(1, 2);
        assertThat(server.getRequestCount()).isEqualTo(2);

        for (int i = 0; i < 10; i++) {
            server.enqueue(new MockResponse.Builder().code(200).body("<html>maintenance</html>").build());
        }
        SupabaseWriter three = writer(builder().maxAttempts(3));
        int before = server.getRequestCount();
        assertThatThrownBy(() -> three.select("t", "a")).isInstanceOf(SupabaseIoException.class)
                .hasMessageContaining("not a JSON array");
        assertThat(server.getRequestCount() - before).isEqualTo(3);
    }
}
