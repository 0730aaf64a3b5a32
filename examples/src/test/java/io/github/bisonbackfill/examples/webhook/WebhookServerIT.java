package io.github.bisonbackfill.examples.webhook;

import io.github.bisonbackfill.core.ClientLeadRow;
import io.github.bisonbackfill.core.ClientLeadsSchema;
import io.github.bisonbackfill.core.SourceWorkspace;
import io.github.bisonbackfill.core.webhook.WebhookHandler;
import io.github.bisonbackfill.supabase.Filter;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.testing.LocalSupabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The example server end to end over HTTP, writing to the real PostgREST + PostgreSQL. */
class WebhookServerIT {
    static final String SECRET = "server-test-secret-0123456789";
    static final String FIXTURE_HOST = "send.agency.example";
    static LocalSupabase db;
    static SupabaseWriter writer;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    String host;
    SourceWorkspace workspace;
    WebhookServer server;

    @BeforeAll
    static void schema() {
        db = LocalSupabase.fromEnvironment();
        db.sql(ClientLeadsSchema.sql());
        db.reloadSchema(ClientLeadsSchema.TABLE + "(" + String.join(",", ClientLeadRow.COLUMNS) + ")");
        writer = db.writer().build();
    }

    @AfterAll
    static void closeWriter() {
        writer.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    WebhookServer start(SupabaseWriter w, int maxBodyBytes) {
        // A workspace of its own per test: rows of other tests never matter.
        String unique = db.uniqueName("srv").replace('_', '-');
        host = "send-" + unique + ".agency.example";
        workspace = new SourceWorkspace("agency-" + unique, URI.create("https://" + host), 37, "Harbor Insurance, LLC (" + unique + ")");
        WebhookHandler handler = WebhookHandler.builder().writer(w).secret(SECRET).workspace(workspace).build();
        server = WebhookServer.builder().handler(handler).port(0).maxBodyBytes(maxBodyBytes).stopGrace(Duration.ZERO).start();
        return server;
    }

    String delivery() {
        try (InputStream in = getClass().getResourceAsStream("/fixtures/webhooks/lead_interested.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(FIXTURE_HOST, host);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> post(URI uri, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    URI withToken(String token) {
        return URI.create(server.uri() + "?" + WebhookServer.SECRET_QUERY_PARAMETER + "=" + token);
    }

    List<Map<String, Object>> rows() {
        return writer.select(ClientLeadsSchema.TABLE, "lead_email,workspace_name,bison_reply_id,email_subject",
                Filter.eq("bison_instance", workspace.instance()));
    }

    @Test
    void realDelivery_withTokenInTheQuery_is200_andTheRowIsWritten_logLineHasNoSecret() throws Exception {
        start(writer, WebhookServer.DEFAULT_MAX_BODY_BYTES);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        HttpResponse<String> r;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            r = post(withToken(SECRET), delivery(), Map.of());
        } finally {
            System.setErr(err);
        }
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("{\"outcome\":\"ACCEPTED\"");
        assertThat(rows()).containsExactly(Map.of("lead_email", "dana.ortiz@acme-logistics.example",
                "workspace_name", workspace.workspaceName(), "bison_reply_id", 88412, "email_subject", "Re: quick question"));
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("outcome=ACCEPTED status=200 event=lead_interested workspace=\""
                + workspace.workspaceName() + "\" reply=88412");
        assertThat(log).doesNotContain(SECRET).doesNotContain("token=");
    }

    @Test
    void secretInTheHeader_is200_andSentTwice_isStill200WithOneRow() throws Exception {
        start(writer, WebhookServer.DEFAULT_MAX_BODY_BYTES);
        Map<String, String> h = Map.of(WebhookServer.SECRET_HEADER, SECRET);
        assertThat(post(server.uri(), delivery(), h).statusCode()).isEqualTo(200);
        assertThat(post(server.uri(), delivery(), h).statusCode()).isEqualTo(200);
        assertThat(rows()).hasSize(1);
    }

    @Test
    void otherEvent_is200Ignored_nothingWritten() throws Exception {
        start(writer, WebhookServer.DEFAULT_MAX_BODY_BYTES);
        String other = delivery().replace("\"type\": \"lead_interested\"", "\"type\": \"EMAIL_OPENED\"");
        HttpResponse<String> r = post(withToken(SECRET), other, Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("{\"outcome\":\"IGNORED\"");
        assertThat(rows()).isEmpty();
    }

    @Test
    void malformedAndRejected_are400WithTheReason() throws Exception {
        start(writer, WebhookServer.DEFAULT_MAX_BODY_BYTES);
        HttpResponse<String> bad = post(withToken(SECRET), "{\"event\": ", Map.of());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"outcome\":\"REJECTED\"").contains("not valid JSON");

        HttpResponse<String> unknown = post(withToken(SECRET), delivery().replace("\"workspace_id\": 37", "\"workspace_id\": 99"), Map.of());
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("workspace 99 of instance " + host + " is not configured");
        assertThat(rows()).isEmpty();
    }

    @Test
    void wrongOrMissingSecret_is401_nothingWritten() throws Exception {
        start(writer, WebhookServer.DEFAULT_MAX_BODY_BYTES);
        assertThat(post(withToken("wrong-" + SECRET), delivery(), Map.of()).statusCode()).isEqualTo(401);
        assertThat(post(server.uri(), delivery(), Map.of()).statusCode()).isEqualTo(401);
        HttpResponse<String> r = post(server.uri(), delivery(), Map.of(WebhookServer.SECRET_HEADER, "nope"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).doesNotContain(SECRET);
        assertThat(rows()).isEmpty();
    }

    @Test
    void writerDown_is503WithRetryAfter() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (SupabaseWriter down = SupabaseWriter.builder().restUrl("http://127.0.0.1:" + closed).apiKey("k-" + SECRET)
                .maxAttempts(2).retryBaseDelay(Duration.ofMillis(1)).build()) {
            start(down, WebhookServer.DEFAULT_MAX_BODY_BYTES);
            HttpResponse<String> r = post(withToken(SECRET), delivery(), Map.of());
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("60");
            assertThat(r.body()).isEqualTo("{\"outcome\":\"UNAVAILABLE\",\"reason\":\"storage unavailable, retry later\"}");
        }
    }

    @Test
    void get_is405_otherPath_is404_oversized_is413() throws Exception {
        start(writer, 4096);
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(withToken(SECRET)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");

        URI other = URI.create("http://127.0.0.1:" + server.port() + "/webhooks/other?token=" + SECRET);
        assertThat(post(other, delivery(), Map.of()).statusCode()).isEqualTo(404);

        String big = delivery().replace("\"text_body\": \"", "\"text_body\": \"" + "x".repeat(5000));
        assertThat(post(withToken(SECRET), big, Map.of()).statusCode()).isEqualTo(413);
        assertThat(rows()).isEmpty();
        // Under the limit the same server writes.
        assertThat(post(withToken(SECRET), delivery(), Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void healthz_is200WithoutASecret_andWritesNothing() throws Exception {
        start(writer, 4096);
        URI health = URI.create("http://127.0.0.1:" + server.port() + WebhookServer.HEALTH_PATH);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(health).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
        // Only GET/HEAD: a delivery posted there is not a health check.
        assertThat(post(health, delivery(), Map.of()).statusCode()).isEqualTo(404);
        assertThat(rows()).isEmpty();
    }

    @Test
    void builderAndWorkspacesFile_failClearly(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> WebhookServer.builder().start()).isInstanceOf(IllegalStateException.class)
                .hasMessage("handler is required");
        assertThatThrownBy(() -> WebhookServer.builder().port(70000)).isInstanceOf(IllegalArgumentException.class);

        Path ok = dir.resolve("ok.json");
        Files.writeString(ok, "[{\"instance\": \"agency-main\", \"base_url\": \"https://send.agency.example\","
                + " \"workspace_id\": 37, \"workspace_name\": \"O'Brien & Sons, LLC\"}]");
        assertThat(WebhookWorkspaces.read(ok)).containsExactly(new SourceWorkspace("agency-main",
                URI.create("https://send.agency.example"), 37, "O'Brien & Sons, LLC"));

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "[{\"instance\": \"agency-main\", \"base_url\": \"https://send.agency.example\","
                + " \"workspace_id\": \"37x\", \"workspace_name\": \"A\"}]");
        assertThatThrownBy(() -> WebhookWorkspaces.read(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry 0").hasMessageContaining("workspace_id must be a whole number");
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "[]");
        assertThatThrownBy(() -> WebhookWorkspaces.read(empty)).hasMessageContaining("non-empty JSON array");
    }
}
