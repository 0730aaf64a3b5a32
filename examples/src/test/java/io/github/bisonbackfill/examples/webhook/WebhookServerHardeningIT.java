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
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook server under hostile and unlucky conditions, against the real PostgREST: slow and idle
 * clients without the secret, header limits, the secret checked before the body, a Supabase outage
 * answered 503 within {@link WebhookServer#DEFAULT_DELIVERY_TIMEOUT}, log forging.
 */
class WebhookServerHardeningIT {
    static final String SECRET = "hardening-test-secret-0123456789";
    static LocalSupabase db;
    static SupabaseWriter writer;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final List<AutoCloseable> closeAfter = new ArrayList<>();
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
    void stop() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    WebhookServer start(SupabaseWriter w, WebhookServer.Builder b) {
        String unique = db.uniqueName("hard").replace('_', '-');
        host = "send-" + unique + ".agency.example";
        workspace = new SourceWorkspace("agency-" + unique, URI.create("https://" + host), 37, "Harbor (" + unique + ")");
        WebhookHandler handler = WebhookHandler.builder().writer(w).secret(SECRET).workspace(workspace).build();
        server = b.handler(handler).port(0).stopGrace(Duration.ZERO).start();
        return server;
    }

    String delivery(long replyId, String email) {
        return "{\"event\":{\"type\":\"lead_interested\",\"instance_url\":\"https://" + host + "\",\"workspace_id\":37,"
                + "\"workspace_name\":\"" + workspace.workspaceName() + "\"},\"data\":{\"reply\":{\"id\":" + replyId
                + ",\"email_subject\":\"Re: hi\",\"date_received\":\"2025-10-14T17:03:21.000000Z\"},"
                + "\"lead\":{\"id\":" + replyId + ",\"email\":\"" + email + "\"}}}";
    }

    HttpResponse<String> post(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.uri()).timeout(Duration.ofSeconds(30))
                .header(WebhookServer.SECRET_HEADER, SECRET).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    long rows() {
        return writer.count(ClientLeadsSchema.TABLE, Filter.eq("bison_instance", workspace.instance()));
    }

    /** Opens {@code n} sockets that send a request's first bytes one byte per second, without a secret. */
    List<Socket> slowSockets(int n, ScheduledExecutorService ticker) throws IOException {
        byte[] head = ("POST " + server.uri().getPath() + " HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(200))
                .getBytes(StandardCharsets.US_ASCII);
        List<Socket> sockets = new CopyOnWriteArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            sockets.add(s);
            closeAfter.add(s);
        }
        int[] sent = new int[n];
        ticker.scheduleAtFixedRate(() -> {
            for (int i = 0; i < sockets.size(); i++) {
                try {
                    OutputStream out = sockets.get(i).getOutputStream();
                    out.write(head[sent[i]++ % head.length]);
                    out.flush();
                } catch (IOException closedByServer) {
                    // the server may close a socket past its header deadline; the others go on
                }
            }
        }, 0, 1, TimeUnit.SECONDS);
        return sockets;
    }

    @Test
    void slowClientsWithoutSecret_4Then64Sockets_atOneBytePerSecond_realDeliveriesKeepSucceeding() throws Exception {
        start(writer, WebhookServer.builder());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        closeAfter.add(ticker::shutdownNow);
        int delivered = 0;
        for (int slow : new int[] {4, 64}) {
            slowSockets(slow, ticker);
            long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            while (System.nanoTime() < until) {
                long id = 7_000_000L + delivered;
                long t0 = System.nanoTime();
                HttpResponse<String> r = post(delivery(id, "slow" + id + "@example.com"));
                assertThat(r.statusCode()).as("delivery %d during %d slow sockets: %s", id, slow, r.body()).isEqualTo(200);
                // A promise of the server, not a benchmark: a delivery is not held up by slow sockets.
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
                delivered++;
                Thread.sleep(500);
            }
        }
        assertThat(delivered).isGreaterThanOrEqualTo(10);
        assertThat(rows()).isEqualTo(delivered);
    }

    @Test
    void headersTricklingPastTheHeaderTimeout_connectionClosed() throws Exception {
        start(writer, WebhookServer.builder().headerTimeout(Duration.ofSeconds(2)).idleTimeout(Duration.ofSeconds(30)));
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        closeAfter.add(ticker::shutdownNow);
        Socket s = slowSockets(1, ticker).get(0);
        s.setSoTimeout(10_000);
        long t0 = System.nanoTime();
        int read;
        try {
            read = s.getInputStream().read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept a connection trickling its headers open for 10 s", e);
        } catch (IOException reset) {
            read = -1;
        }
        assertThat(read).isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void healthz_is200Ok_withoutSecret() throws Exception {
        start(writer, WebhookServer.builder());
        URI health = URI.create("http://127.0.0.1:" + server.port() + WebhookServer.HEALTH_PATH);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(health).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    }

    @Test
    void tooManyOrTooLargeHeaders_are431() throws Exception {
        start(writer, WebhookServer.builder());
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < WebhookServer.DEFAULT_MAX_HEADERS + 5; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        assertThat(rawStatus(many.toString())).isEqualTo(431);
        assertThat(rawStatus("X-Big: " + "b".repeat(WebhookServer.DEFAULT_MAX_HEADER_BYTES) + "\r\n")).isEqualTo(431);
        assertThat(rows()).isZero();
    }

    /** Sends a POST with the given extra header lines and a 2-byte body; the status code answered. */
    int rawStatus(String extraHeaders) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST " + server.uri().getPath() + " HTTP/1.1\r\nHost: x\r\n"
                    + WebhookServer.SECRET_HEADER + ": " + SECRET + "\r\n" + extraHeaders
                    + "Content-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
            String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    @Test
    void wrongSecret_answered401BeforeTheBodyIsSent() throws Exception {
        start(writer, WebhookServer.builder());
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5_000);
            // Announces a body of 500 kB and sends none of it: the answer comes from the headers alone.
            s.getOutputStream().write(("POST " + server.uri().getPath() + "?token=wrong-" + SECRET + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 500000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 401");
        }
        assertThat(rows()).isZero();
    }

    @Test
    void supabaseOutage_everyConcurrentDeliveryAnswered503WithRetryAfter_withinTheDeliveryTimeout() throws Exception {
        // Two kinds of outage at once: PostgREST's port closed (connection refused, retried with backoff)
        // and a PostgREST that accepts and never answers (each attempt runs into its timeout). The
        // writers keep their (long) defaults: the server's own deadline bounds the answer.
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ServerSocket silent = new ServerSocket(0, 100, java.net.InetAddress.getLoopbackAddress());
        closeAfter.add(silent);
        List<Socket> held = new CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    held.add(silent.accept());
                }
            } catch (IOException closed) {
                // test over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        closeAfter.add(() -> held.forEach(h -> {
            try {
                h.close();
            } catch (IOException ignored) {
                // best effort
            }
        }));
        for (String url : List.of("http://127.0.0.1:" + closedPort, "http://127.0.0.1:" + silent.getLocalPort())) {
            try (SupabaseWriter down = SupabaseWriter.builder().restUrl(url).apiKey("k-" + SECRET).build()) {
                start(down, WebhookServer.builder());
                List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int i = 0; i < 8; i++) {
                    answers.add(HTTP.sendAsync(HttpRequest.newBuilder(server.uri()).timeout(Duration.ofSeconds(40))
                            .header(WebhookServer.SECRET_HEADER, SECRET)
                            .POST(HttpRequest.BodyPublishers.ofString(delivery(9_000 + i, "outage" + i + "@example.com"))).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> a : answers) {
                    HttpResponse<String> r = a.get();
                    assertThat(r.statusCode()).as(url).isEqualTo(503);
                    assertThat(r.headers().firstValue("Retry-After")).hasValue(Integer.toString(WebhookServer.RETRY_AFTER_SECONDS));
                }
                // The documented bound (plus scheduling slack), well under the ~20 s a sender waits.
                assertThat(Duration.ofNanos(System.nanoTime() - t0))
                        .isLessThan(WebhookServer.DEFAULT_DELIVERY_TIMEOUT.plusSeconds(3));
                server.close();
                server = null;
            }
        }
    }

    @Test
    void keyWhoseRoleDoesNotExist_isACallFault_503NotARejectedRow() throws Exception {
        try (SupabaseWriter misconfigured = SupabaseWriter.builder().restUrl(db.restUrl())
                .apiKey(db.jwtForRole("no_such_role_webhook")).build()) {
            start(misconfigured, WebhookServer.builder());
            HttpResponse<String> r = post(delivery(4242, "role@example.com"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
        }
        assertThat(rows()).isZero();
    }

    @Test
    void controlCharactersInEventFields_escapedInTheLogLine_andLongValuesCut() throws Exception {
        start(writer, WebhookServer.builder());
        String forgedType = "EMAIL_OPENED\\nwebhook delivery outcome=ACCEPTED status=200 event=lead_interested" + "x".repeat(100_000);
        String body = delivery(5, "forge@example.com").replace("\"type\":\"lead_interested\"", "\"type\":\"" + forgedType + "\"")
                .replace("\"workspace_name\":\"" + workspace.workspaceName() + "\"", "\"workspace_name\":\"a\\r\\nb\"");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        HttpResponse<String> r;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            r = post(body);
        } finally {
            System.setErr(err);
        }
        assertThat(r.statusCode()).isEqualTo(200); // an ignored event type
        String log = captured.toString(StandardCharsets.UTF_8);
        List<String> lines = log.lines().filter(l -> l.contains("webhook delivery")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("outcome=IGNORED").contains("EMAIL_OPENED\\nwebhook").contains("workspace=\"a\\r\\nb\"")
                .hasSizeLessThan(2_000);
        assertThat(rows()).isZero();
    }
}
