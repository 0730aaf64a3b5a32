package io.github.bisonbackfill.examples.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.bisonbackfill.core.SourceWorkspace;
import io.github.bisonbackfill.core.webhook.WebhookHandler;
import io.github.bisonbackfill.core.webhook.WebhookOutcome;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal HTTP endpoint for Email Bison's webhooks on the JDK's {@code com.sun.net.httpserver}
 * (no web framework), in front of a {@link WebhookHandler}.
 *
 * <pre>{@code
 * try (WebhookServer server = WebhookServer.builder().handler(handler).port(8080).start()) {
 *     System.out.println("POST deliveries to " + server.uri() + "?token=<secret>");
 *     server.awaitStop();
 * }
 * }</pre>
 *
 * <p>Requests: {@code POST <path>?token=<secret>} (or the secret in the {@value #SECRET_HEADER}
 * header, which wins when both are given). Answers: 200 for accepted and ignored deliveries, 400 for
 * rejected ones (malformed, no usable email, unknown workspace, a row Supabase refuses), 401 for a
 * missing or wrong secret, 503 with {@code Retry-After} when Supabase is unavailable (so the sender
 * retries), 405 for other methods, 413 for bodies over {@link Builder#maxBodyBytes}, 404 for other
 * paths, 500 for a bug. {@code GET} (or {@code HEAD}) {@value #HEALTH_PATH} answers 200
 * {@code {"status":"ok"}} for liveness probes (not logged). The body of every answer is a small JSON object
 * {@code {"outcome": ..., "reason": ...}}. One INFO line per request: outcome, HTTP status, event
 * type, workspace, reply id (and the reason of a rejection); never the query string or the secret.
 *
 * <p>It speaks plain HTTP: bind it to loopback (the default) behind a TLS-terminating reverse proxy,
 * because the secret travels in the URL. Thread-safe; {@link #close()} stops it.
 */
public final class WebhookServer implements AutoCloseable {
    /** The liveness probe's path: {@value}. */
    public static final String HEALTH_PATH = "/healthz";
    /** Default path: {@value}. */
    public static final String DEFAULT_PATH = "/webhooks/email-bison";
    /** Default port: {@value}. */
    public static final int DEFAULT_PORT = 8080;
    /** Default bind address: {@value} (loopback; put a TLS reverse proxy in front). */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    /** Default largest accepted body: {@value} bytes (1 MiB; deliveries carry the reply's bodies). */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    /** Default worker threads: {@value}. */
    public static final int DEFAULT_THREADS = 4;
    /** Default time {@link #close()} lets deliveries in progress finish: 5 s. */
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);
    /** Query parameter carrying the secret: {@value}. */
    public static final String SECRET_QUERY_PARAMETER = "token";
    /** Header carrying the secret: {@value}. */
    public static final String SECRET_HEADER = "X-Webhook-Secret";
    /** {@code Retry-After} seconds sent with a 503: {@value}. */
    public static final int RETRY_AFTER_SECONDS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final WebhookHandler handler;
    private final String path;
    private final int maxBodyBytes;
    private final Duration stopGrace;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private WebhookServer(Builder b) throws IOException {
        this.handler = b.handler;
        this.path = b.path;
        this.maxBodyBytes = b.maxBodyBytes;
        this.stopGrace = b.stopGrace;
        this.server = HttpServer.create(new InetSocketAddress(b.bindAddress, b.port), 0);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "webhook-server-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::exchange);
        server.start();
    }

    /**
     * A builder; {@link Builder#handler} is required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the port it listens on (the one chosen when started with port 0) */
    public int port() {
        return server.getAddress().getPort();
    }

    /** @return the delivery URL without the secret, e.g. {@code http://127.0.0.1:8080/webhooks/email-bison} */
    public URI uri() {
        String host = server.getAddress().getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + path);
    }

    /**
     * Blocks until {@link #close()} is called (by another thread or a shutdown hook).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Stops accepting requests, lets those in progress finish (up to the stop grace), and stops the workers. */
    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        server.stop((int) Math.max(0, stopGrace.toSeconds()));
        executor.shutdownNow();
        stopped.countDown();
    }

    private void exchange(HttpExchange ex) {
        String method = ex.getRequestMethod();
        try (ex) {
            if (ex.getRequestURI().getRawPath().equals(HEALTH_PATH) && !HEALTH_PATH.equals(path)
                    && ("GET".equals(method) || "HEAD".equals(method))) {
                // Liveness for load balancers and Kubernetes probes: the server accepts requests. Not logged.
                byte[] ok = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
                ex.sendResponseHeaders(200, "HEAD".equals(method) ? -1 : ok.length);
                if (!"HEAD".equals(method)) {
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(ok);
                    }
                }
                return;
            }
            if (!ex.getRequestURI().getRawPath().equals(path)) {
                answer(ex, 404, "NOT_FOUND", "no webhook endpoint at this path", null);
                return;
            }
            if (!"POST".equals(method)) {
                ex.getResponseHeaders().set("Allow", "POST");
                answer(ex, 405, "METHOD_NOT_ALLOWED", "use POST", null);
                return;
            }
            byte[] body = readBody(ex);
            if (body == null) {
                answer(ex, 413, "PAYLOAD_TOO_LARGE", "body larger than " + maxBodyBytes + " bytes", null);
                return;
            }
            WebhookOutcome outcome = handler.handle(body, presentedSecret(ex));
            String reason = outcome.status() == WebhookOutcome.Status.UNAVAILABLE
                    ? "storage unavailable, retry later" : outcome.reason();
            if (outcome.status() == WebhookOutcome.Status.UNAVAILABLE) {
                ex.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            }
            answer(ex, outcome.status().httpStatus(), outcome.status().name(), reason, outcome);
        } catch (IOException | UncheckedIOException e) {
            LOG.info("webhook delivery outcome=CONNECTION_LOST method={} error={}", method, e.toString());
        } catch (RuntimeException e) {
            LOG.error("webhook delivery outcome=ERROR method={}: handler failed", method, e);
            try {
                answer(ex, 500, "ERROR", "internal error", null);
            } catch (IOException ignored) {
                // The connection is gone too; the error is logged above.
            }
        }
    }

    /** The body, or {@code null} when it is larger than allowed (then it is not read further). */
    private byte[] readBody(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > maxBodyBytes) {
                    return null;
                }
            } catch (NumberFormatException e) {
                // A malformed length is the server's to reject; a chunked body is capped below anyway.
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (InputStream in = ex.getRequestBody()) {
            int r;
            while ((r = in.read(buf)) >= 0) {
                if (out.size() + r > maxBodyBytes) {
                    return null;
                }
                out.write(buf, 0, r);
            }
        }
        return out.toByteArray();
    }

    private static String presentedSecret(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst(SECRET_HEADER);
        if (header != null && !header.isEmpty()) {
            return header;
        }
        String query = ex.getRequestURI().getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (URLDecoder.decode(name, StandardCharsets.UTF_8).equals(SECRET_QUERY_PARAMETER)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private void answer(HttpExchange ex, int status, String outcome, String reason, WebhookOutcome o) throws IOException {
        byte[] json = ("{\"outcome\":" + jsonString(outcome) + ",\"reason\":" + jsonString(reason) + "}")
                .getBytes(StandardCharsets.UTF_8);
        // Logged before answering: once the sender has the answer, the line is written (tests and operators
        // reading the log right after a delivery see it).
        log(ex.getRequestMethod(), status, outcome, o);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, json.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(json);
        }
    }

    private static void log(String method, int status, String outcome, WebhookOutcome o) {
        if (o == null) {
            LOG.info("webhook delivery outcome={} status={} method={}", outcome, status, method);
            return;
        }
        String extra = switch (o.status()) {
            case REJECTED -> " cause=" + o.cause() + " reason=" + o.reason();
            case UNAVAILABLE, UNAUTHORIZED -> " reason=" + o.reason();
            default -> "";
        };
        LOG.info("webhook delivery outcome={} status={} event={} workspace={} reply={}{}", outcome, status,
                o.eventType(), o.workspaceName() == null ? null : "\"" + o.workspaceName() + "\"", o.replyId(), extra);
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /**
     * Runs a server from the command line until interrupted (Ctrl-C).
     *
     * <pre>
     * BISON_WEBHOOK_SECRET=... SUPABASE_URL=https://abc.supabase.co SUPABASE_SERVICE_ROLE_KEY=... \
     *   java ... io.github.bisonbackfill.examples.webhook.WebhookServer --workspaces workspaces.json [--port 8080] [--bind 127.0.0.1] [--path /webhooks/email-bison]
     * </pre>
     * {@code SUPABASE_REST_URL} (a raw PostgREST URL) may replace {@code SUPABASE_URL}. The workspaces
     * file is described in {@link WebhookWorkspaces}.
     *
     * @param args the options above
     * @throws Exception when the configuration is invalid or the port cannot be bound
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args, List.of("--port", "--bind", "--path", "--workspaces"));
        String workspacesFile = options.get("--workspaces");
        if (workspacesFile == null) {
            throw new IllegalArgumentException("--workspaces <file.json> is required");
        }
        List<SourceWorkspace> workspaces = WebhookWorkspaces.read(Path.of(workspacesFile));
        SupabaseWriter.Builder wb = SupabaseWriter.builder().apiKey(Options.env("SUPABASE_SERVICE_ROLE_KEY"))
                // Stay well inside the sender's timeout: past it the delivery is retried anyway.
                .callTimeout(Duration.ofSeconds(20));
        String projectUrl = System.getenv("SUPABASE_URL");
        if (projectUrl != null && !projectUrl.isBlank()) {
            wb.projectUrl(projectUrl);
        } else {
            wb.restUrl(Options.env("SUPABASE_REST_URL"));
        }
        try (SupabaseWriter writer = wb.build()) {
            WebhookHandler handler = WebhookHandler.builder().writer(writer)
                    .secret(Options.env("BISON_WEBHOOK_SECRET")).workspaces(workspaces).build();
            Builder sb = builder().handler(handler);
            if (options.containsKey("--port")) {
                sb.port(Integer.parseInt(options.get("--port")));
            }
            if (options.containsKey("--bind")) {
                sb.bindAddress(options.get("--bind"));
            }
            if (options.containsKey("--path")) {
                sb.path(options.get("--path"));
            }
            try (WebhookServer server = sb.start()) {
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "webhook-server-shutdown"));
                LOG.info("webhook server listening on {} for {} workspace(s); deliveries: POST {}?{}=<secret>",
                        server.uri(), workspaces.size(), server.uri(), SECRET_QUERY_PARAMETER);
                server.awaitStop();
            }
        }
    }

    /** Command-line helpers for {@link #main}. */
    private static final class Options {
        static Map<String, String> parse(String[] args, List<String> known) {
            Map<String, String> m = new java.util.LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!known.contains(args[i]) || i + 1 >= args.length) {
                    throw new IllegalArgumentException("unknown option or missing value: " + args[i]
                            + " (options: " + String.join(", ", known) + ")");
                }
                m.put(args[i], args[++i]);
            }
            return m;
        }

        static String env(String name) {
            String v = System.getenv(name);
            if (v == null || v.isBlank()) {
                throw new IllegalStateException("environment variable " + name + " is required");
            }
            return v;
        }
    }

    /** Builds and starts a {@link WebhookServer}. Mutable, not thread-safe. */
    public static final class Builder {
        private WebhookHandler handler;
        private int port = DEFAULT_PORT;
        private String bindAddress = DEFAULT_BIND_ADDRESS;
        private String path = DEFAULT_PATH;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int threads = DEFAULT_THREADS;
        private Duration stopGrace = DEFAULT_STOP_GRACE;

        private Builder() {
        }

        /** @param handler the handler every delivery goes to (required) @return this builder */
        public Builder handler(WebhookHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * @param port the port, 0 for a free one; default {@link #DEFAULT_PORT}
         * @return this builder
         * @throws IllegalArgumentException if outside 0..65535
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** @param bindAddress the address to listen on; default {@link #DEFAULT_BIND_ADDRESS} @return this builder */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /**
         * @param path the delivery path, starting with {@code /}; default {@link #DEFAULT_PATH}
         * @return this builder
         * @throws IllegalArgumentException if it does not start with {@code /}
         */
        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("path must start with /, got " + path);
            }
            this.path = path;
            return this;
        }

        /**
         * @param maxBodyBytes the largest body accepted, else 413; default {@link #DEFAULT_MAX_BODY_BYTES}
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxBodyBytes(int maxBodyBytes) {
            if (maxBodyBytes <= 0) {
                throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /**
         * @param threads worker threads (concurrent deliveries); default {@link #DEFAULT_THREADS}
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder threads(int threads) {
            if (threads <= 0) {
                throw new IllegalArgumentException("threads must be positive, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * @param stopGrace how long {@link #close()} lets deliveries in progress finish (whole seconds);
         *                  default {@link #DEFAULT_STOP_GRACE}
         * @return this builder
         */
        public Builder stopGrace(Duration stopGrace) {
            Objects.requireNonNull(stopGrace, "stopGrace");
            if (stopGrace.isNegative()) {
                throw new IllegalArgumentException("stopGrace must not be negative");
            }
            this.stopGrace = stopGrace;
            return this;
        }

        /**
         * Binds and starts the server.
         *
         * @return the running server
         * @throws IllegalStateException when the handler is missing
         * @throws UncheckedIOException  when the address cannot be bound (port in use, ...)
         */
        public WebhookServer start() {
            if (handler == null) {
                throw new IllegalStateException("handler is required");
            }
            try {
                return new WebhookServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + bindAddress + ":" + port + ": " + e.getMessage(), e);
            }
        }
    }
}
