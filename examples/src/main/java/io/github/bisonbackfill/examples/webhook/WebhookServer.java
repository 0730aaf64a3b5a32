package io.github.bisonbackfill.examples.webhook;

import io.github.bisonbackfill.core.SafeText;
import io.github.bisonbackfill.core.SourceWorkspace;
import io.github.bisonbackfill.core.webhook.WebhookHandler;
import io.github.bisonbackfill.core.webhook.WebhookOutcome;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP endpoint for Email Bison's webhooks, on Jetty 12 (core handler API, no servlets), in front
 * of a {@link WebhookHandler}.
 *
 * <pre>{@code
 * try (WebhookServer server = WebhookServer.builder().handler(handler).port(8080).start()) {
 *     System.out.println("POST deliveries to " + server.uri() + "?token=<secret>");
 *     server.awaitStop();
 * }
 * }</pre>
 *
 * <p>Requests: {@code POST <path>?token=<secret>} (or the secret in the {@value #SECRET_HEADER}
 * header, which wins when both are given); {@code GET} {@value #HEALTH_PATH} answers 200
 * {@code {"status":"ok"}}. Answers: 200 for accepted and ignored deliveries, 400 for rejected ones
 * (malformed, no usable email, unknown workspace, a row Supabase refuses), 401 for a missing or wrong
 * secret (the body is never read, the connection is closed), 503 with {@code Retry-After} when
 * Supabase is unavailable or the server is saturated (so the sender retries), 405 for other methods,
 * 408 for a body not received in time, 413 for bodies over {@link Builder#maxBodyBytes}, 431 for too
 * many or too large headers, 404 for other paths, 500 for a bug. The body of every answer is a small
 * JSON object {@code {"outcome": ..., "reason": ...}}. One INFO line per request: outcome, HTTP
 * status, event type, workspace, reply id (and the reason of a rejection), untrusted values escaped
 * and cut ({@link SafeText#forLog}); never the query string or the secret.
 *
 * <p>Limits (defaults; each settable on the {@link Builder}):
 * <ul>
 *   <li>request headers complete within {@link #DEFAULT_HEADER_TIMEOUT} of the connection opening or
 *       of the previous answer on it, else the connection is closed; at most
 *       {@link #DEFAULT_MAX_HEADER_BYTES} bytes and {@link #DEFAULT_MAX_HEADERS} headers (431);</li>
 *   <li>no byte for {@link #DEFAULT_IDLE_TIMEOUT}: the connection is closed;</li>
 *   <li>the secret is checked when the headers are complete, before the body is read; the body must
 *       arrive within {@link #DEFAULT_BODY_TIMEOUT} (408) and be at most
 *       {@link #DEFAULT_MAX_BODY_BYTES} (413);</li>
 *   <li>every delivery is answered within {@link #DEFAULT_DELIVERY_TIMEOUT} of its headers: a write
 *       still running then (Supabase slow or down) is answered 503 + {@code Retry-After} (the write may
 *       still finish; the upsert is idempotent, so the sender's retry is harmless);</li>
 *   <li>{@link #DEFAULT_THREADS} deliveries write at once, {@link #DEFAULT_MAX_QUEUED} more wait; beyond
 *       that 503 at once; at most {@link #DEFAULT_MAX_CONNECTIONS} open connections.</li>
 * </ul>
 * Slow or idle clients cost a socket and a buffer, not a thread: Jetty's selector reads headers and
 * bodies without blocking, and only complete, authenticated deliveries reach the worker threads.
 *
 * <p>It speaks plain HTTP: bind it to loopback (the default) behind a TLS-terminating reverse proxy,
 * because the secret travels in the URL. Thread-safe; {@link #close()} stops it.
 */
public final class WebhookServer implements AutoCloseable {
    /** Default path: {@value}. */
    public static final String DEFAULT_PATH = "/webhooks/email-bison";
    /** Liveness path: {@value} ({@code GET} answers 200 {@code {"status":"ok"}}, no secret needed). */
    public static final String HEALTH_PATH = "/healthz";
    /** Default port: {@value}. */
    public static final int DEFAULT_PORT = 8080;
    /** Default bind address: {@value} (loopback; put a TLS reverse proxy in front). */
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    /** Default largest accepted body: {@value} bytes (1 MiB; deliveries carry the reply's bodies). */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    /** Default worker threads, i.e. deliveries written at once: {@value}. */
    public static final int DEFAULT_THREADS = 16;
    /** Default deliveries waiting for a worker before further ones are answered 503: {@value}. */
    public static final int DEFAULT_MAX_QUEUED = 64;
    /** Default largest request line + headers: {@value} bytes (larger: 431). */
    public static final int DEFAULT_MAX_HEADER_BYTES = 8 * 1024;
    /** Default most request headers: {@value} (more: 431). */
    public static final int DEFAULT_MAX_HEADERS = 64;
    /** Default most open connections: {@value} (further ones wait in the accept backlog). */
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;
    /** Default time for a request's headers to be complete: 10 s (else the connection is closed). */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** Default time for a delivery's body to be complete after its headers: 10 s (else 408). */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(10);
    /** Default time without a byte after which a connection is closed: 15 s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(15);
    /**
     * Default bound from a delivery's complete headers to its answer: 12 s (Email Bison's timeout is
     * undocumented; about 20 s is assumed). Body time, queue time and the write all count; what is not
     * done by then is answered 503 + {@code Retry-After}.
     */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(12);
    /**
     * The writer's {@code callTimeout} {@link #main} uses: 8 s, inside {@link #DEFAULT_DELIVERY_TIMEOUT}
     * so that a write under an outage ends with its own error rather than running on after the 503.
     */
    public static final Duration DEFAULT_WRITER_CALL_TIMEOUT = Duration.ofSeconds(8);
    /** Default time {@link #close()} lets deliveries in progress finish: 5 s. */
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);
    /** Query parameter carrying the secret: {@value}. */
    public static final String SECRET_QUERY_PARAMETER = "token";
    /** Header carrying the secret: {@value}. */
    public static final String SECRET_HEADER = "X-Webhook-Secret";
    /** {@code Retry-After} seconds sent with a 503: {@value}. */
    public static final int RETRY_AFTER_SECONDS = 60;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);
    /**
     * Jetty loggers that print the request URI (with its {@code ?token=} secret) at DEBUG; the
     * server refuses to start while any of them is at DEBUG or finer.
     */
    static final List<String> URI_LOGGING_LOGGERS = List.of("org.eclipse.jetty",
            "org.eclipse.jetty.server.internal.HttpConnection", "org.eclipse.jetty.server.internal.HttpChannelState",
            "org.eclipse.jetty.http.HttpParser", "org.eclipse.jetty.io.AbstractEndPoint", "org.eclipse.jetty.io.IdleTimeout",
            "org.eclipse.jetty.io.SocketChannelEndPoint", "org.eclipse.jetty.util.IteratingCallback",
            "org.eclipse.jetty.util.thread.QueuedThreadPool");

    private final Server server;
    private final ServerConnector connector;
    private final ThreadPoolExecutor workers;
    private final WebhookHandler handler;
    private final String path;
    private final int maxBodyBytes;
    private final int maxHeaders;
    private final Duration headerTimeout;
    private final Duration bodyTimeout;
    private final Duration deliveryTimeout;
    private final Duration stopGrace;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private WebhookServer(Builder b) throws Exception {
        for (String name : URI_LOGGING_LOGGERS) {
            if (LoggerFactory.getLogger(name).isDebugEnabled()) {
                throw new IllegalStateException("logger " + name + " is at DEBUG: Jetty then logs request URIs, which"
                        + " carry the webhook secret (?token=). Set org.eclipse.jetty to INFO (slf4j-simple:"
                        + " -Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=info; logback: <logger name=\"org.eclipse.jetty\" level=\"INFO\"/>)");
            }
        }
        this.handler = b.handler;
        this.path = b.path;
        this.maxBodyBytes = b.maxBodyBytes;
        this.maxHeaders = b.maxHeaders;
        this.headerTimeout = b.headerTimeout;
        this.bodyTimeout = b.bodyTimeout;
        this.deliveryTimeout = b.deliveryTimeout;
        this.stopGrace = b.stopGrace;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(b.threads, b.threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(b.maxQueued), r -> {
                    Thread t = new Thread(r, "webhook-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // Jetty's own threads only parse and dispatch (the handler never blocks them): a small pool.
        QueuedThreadPool jettyThreads = new QueuedThreadPool(16, 2);
        jettyThreads.setName("webhook-http");
        jettyThreads.setDaemon(true);
        this.server = new Server(jettyThreads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(b.maxHeaderBytes);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(b.bindAddress);
        connector.setPort(b.port);
        connector.setIdleTimeout(b.idleTimeout.toMillis());
        connector.addBean(new HeaderDeadline());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(b.maxConnections, connector));
        server.setHandler(new Endpoint());
        server.setStopTimeout(b.stopGrace.toMillis());
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
        return connector.getLocalPort();
    }

    /** @return the delivery URL without the secret, e.g. {@code http://127.0.0.1:8080/webhooks/email-bison} */
    public URI uri() {
        String host = connector.getHost();
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
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("webhook server did not stop cleanly: {}", e.toString());
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(stopGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        stopped.countDown();
    }

    /**
     * Closes a connection whose request headers are not complete {@link #headerTimeout} after it
     * opened or after its previous answer (a client sending one byte a second keeps the idle timeout
     * at bay, not this).
     */
    private final class HeaderDeadline implements Connection.Listener {
        @Override
        public void onOpened(Connection connection) {
            expectRequest(connection);
        }
    }

    private void expectRequest(Connection connection) {
        long seen = connection.getMessagesIn();
        Scheduler scheduler = connector.getScheduler();
        scheduler.schedule(() -> {
            if (connection.getEndPoint().isOpen() && connection.getMessagesIn() <= seen) {
                LOG.info("webhook connection closed: request headers not complete within {} ms", headerTimeout.toMillis());
                connection.getEndPoint().close();
            }
        }, headerTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One request; answers exactly once, whichever of the delivery and its deadline comes first. */
    private final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        final AtomicBoolean answered = new AtomicBoolean();
        volatile boolean bodyComplete;

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        void answer(int status, String outcome, String reason, WebhookOutcome o, boolean close) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            byte[] json = ("{\"outcome\":" + jsonString(outcome) + ",\"reason\":" + jsonString(reason) + "}")
                    .getBytes(StandardCharsets.UTF_8);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
            if (status == 503) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
            }
            if (close) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            log(request.getMethod(), status, outcome, o); // before the answer: a client never sees it first
            Connection connection = request.getConnectionMetaData().getConnection();
            response.write(true, ByteBuffer.wrap(json), Callback.from(() -> {
                callback.succeeded();
                if (!close) {
                    expectRequest(connection);
                }
            }, callback::failed));
        }
    }

    private final class Endpoint extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Exchange ex = new Exchange(request, response, callback);
            String method = request.getMethod();
            String requestPath = request.getHttpURI().getPath();
            if (request.getHeaders().size() > maxHeaders) {
                ex.answer(431, "HEADERS_TOO_LARGE", "more than " + maxHeaders + " headers", null, true);
                return true;
            }
            if (HEALTH_PATH.equals(requestPath) && ("GET".equals(method) || "HEAD".equals(method))) {
                answerHealth(ex);
                return true;
            }
            if (!path.equals(requestPath)) {
                ex.answer(404, "NOT_FOUND", "no webhook endpoint at this path", null, false);
                return true;
            }
            if (!"POST".equals(method)) {
                response.getHeaders().put(HttpHeader.ALLOW, "POST");
                ex.answer(405, "METHOD_NOT_ALLOWED", "use POST", null, false);
                return true;
            }
            String secret = presentedSecret(request);
            if (!handler.isAuthorized(secret)) {
                // Refused on the headers alone: the body is never read, the connection not kept.
                WebhookOutcome o = handler.handle(new byte[0], secret);
                ex.answer(401, o.status().name(), o.reason(), o, true);
                return true;
            }
            long length = request.getLength();
            if (length > maxBodyBytes) {
                ex.answer(413, "PAYLOAD_TOO_LARGE", "body larger than " + maxBodyBytes + " bytes", null, true);
                return true;
            }
            Scheduler.Task deadline = connector.getScheduler().schedule(() -> {
                if (!ex.bodyComplete) {
                    ex.answer(408, "TIMEOUT", "body not received within " + bodyTimeout.toMillis() + " ms", null, true);
                }
            }, bodyTimeout.toMillis(), TimeUnit.MILLISECONDS);
            Scheduler.Task overall = connector.getScheduler().schedule(() -> ex.answer(503, "UNAVAILABLE",
                    "storage unavailable, retry later", null, false), deliveryTimeout.toMillis(), TimeUnit.MILLISECONDS);
            Content.Source.asByteArrayAsync(request, maxBodyBytes).whenComplete((body, failure) -> {
                ex.bodyComplete = true;
                deadline.cancel();
                if (failure != null) {
                    overall.cancel();
                    if (!ex.answered.get() && tooLarge(failure)) {
                        ex.answer(413, "PAYLOAD_TOO_LARGE", "body larger than " + maxBodyBytes + " bytes", null, true);
                    } else if (!ex.answered.get()) {
                        LOG.info("webhook delivery outcome=CONNECTION_LOST method={} error={}", method,
                                SafeText.forLog(failure.toString()));
                        ex.answer(400, "CONNECTION_LOST", "body could not be read", null, true);
                    }
                    return;
                }
                try {
                    workers.execute(() -> deliver(ex, body, secret, overall));
                } catch (RejectedExecutionException busy) {
                    overall.cancel();
                    ex.answer(503, "UNAVAILABLE", "server busy, retry later", null, false);
                }
            });
            return true;
        }
    }

    private static boolean tooLarge(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.toLowerCase(java.util.Locale.ROOT).contains("max")) {
                return true;
            }
        }
        return false;
    }

    private void deliver(Exchange ex, byte[] body, String secret, Scheduler.Task overall) {
        if (ex.answered.get()) {
            return; // its deadline passed while it waited for a worker: the sender retries
        }
        try {
            WebhookOutcome outcome = handler.handle(body, secret);
            String reason = outcome.status() == WebhookOutcome.Status.UNAVAILABLE
                    ? "storage unavailable, retry later" : outcome.reason();
            overall.cancel();
            ex.answer(outcome.status().httpStatus(), outcome.status().name(), reason, outcome, false);
        } catch (RuntimeException e) {
            overall.cancel();
            LOG.error("webhook delivery outcome=ERROR method={}: handler failed", ex.request.getMethod(), e);
            ex.answer(500, "ERROR", "internal error", null, true);
        }
    }

    private static void answerHealth(Exchange ex) {
        if (!ex.answered.compareAndSet(false, true)) {
            return;
        }
        ex.response.setStatus(200);
        ex.response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        ex.response.write(true, ByteBuffer.wrap("{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8)), ex.callback);
    }

    private static String presentedSecret(Request request) {
        String header = request.getHeaders().get(SECRET_HEADER);
        if (header != null && !header.isEmpty()) {
            return header;
        }
        String query = request.getHttpURI().getQuery();
        if (query == null) {
            return null;
        }
        Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        Fields.Field token = fields.get(SECRET_QUERY_PARAMETER);
        return token == null ? null : token.getValue();
    }

    private static void log(String method, int status, String outcome, WebhookOutcome o) {
        if (o == null) {
            LOG.info("webhook delivery outcome={} status={} method={}", outcome, status, SafeText.forLog(method, 16));
            return;
        }
        String extra = switch (o.status()) {
            case REJECTED -> " cause=" + o.cause() + " reason=" + SafeText.forLog(o.reason());
            case UNAVAILABLE, UNAUTHORIZED -> " reason=" + SafeText.forLog(o.reason());
            default -> "";
        };
        LOG.info("webhook delivery outcome={} status={} event={} workspace={} reply={}{}", outcome, status,
                SafeText.forLog(o.eventType(), 64),
                o.workspaceName() == null ? null : "\"" + SafeText.forLog(o.workspaceName(), 120) + "\"", o.replyId(), extra);
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
                // Inside the delivery timeout (itself inside the sender's ~20 s): under an outage the
                // write gives up on its own soon after the server answered 503.
                .callTimeout(DEFAULT_WRITER_CALL_TIMEOUT)
                .attemptTimeout(DEFAULT_WRITER_CALL_TIMEOUT.dividedBy(2));
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
                    throw new IllegalArgumentException("unknown option or missing value: " + SafeText.forLog(args[i], 60)
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
        private int maxQueued = DEFAULT_MAX_QUEUED;
        private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
        private int maxHeaders = DEFAULT_MAX_HEADERS;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private Duration bodyTimeout = DEFAULT_BODY_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
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
         * @param threads worker threads (deliveries written at once); default {@link #DEFAULT_THREADS}
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
         * @param maxQueued deliveries that may wait for a worker (more: 503 at once); default {@link #DEFAULT_MAX_QUEUED}
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxQueued(int maxQueued) {
            this.maxQueued = positive(maxQueued, "maxQueued");
            return this;
        }

        /**
         * @param maxHeaderBytes largest request line + headers (more: 431); default {@link #DEFAULT_MAX_HEADER_BYTES}
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxHeaderBytes(int maxHeaderBytes) {
            this.maxHeaderBytes = positive(maxHeaderBytes, "maxHeaderBytes");
            return this;
        }

        /**
         * @param maxHeaders most request headers (more: 431); default {@link #DEFAULT_MAX_HEADERS}
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxHeaders(int maxHeaders) {
            this.maxHeaders = positive(maxHeaders, "maxHeaders");
            return this;
        }

        /**
         * @param maxConnections most open connections; default {@link #DEFAULT_MAX_CONNECTIONS}
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = positive(maxConnections, "maxConnections");
            return this;
        }

        /**
         * @param headerTimeout time for a request's headers to be complete, from the connection's opening
         *                      or its previous answer; default {@link #DEFAULT_HEADER_TIMEOUT}
         * @return this builder
         */
        public Builder headerTimeout(Duration headerTimeout) {
            this.headerTimeout = positive(headerTimeout, "headerTimeout");
            return this;
        }

        /**
         * @param bodyTimeout time for a delivery's body after its headers (else 408); default {@link #DEFAULT_BODY_TIMEOUT}
         * @return this builder
         */
        public Builder bodyTimeout(Duration bodyTimeout) {
            this.bodyTimeout = positive(bodyTimeout, "bodyTimeout");
            return this;
        }

        /**
         * @param idleTimeout time without a byte after which a connection is closed; default {@link #DEFAULT_IDLE_TIMEOUT}
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = positive(idleTimeout, "idleTimeout");
            return this;
        }

        /**
         * @param deliveryTimeout bound from a delivery's headers to its answer; what is not done by then
         *                        is answered 503 + {@code Retry-After}; default {@link #DEFAULT_DELIVERY_TIMEOUT}
         * @return this builder
         */
        public Builder deliveryTimeout(Duration deliveryTimeout) {
            this.deliveryTimeout = positive(deliveryTimeout, "deliveryTimeout");
            return this;
        }

        private static int positive(int value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }

        /**
         * @param stopGrace how long {@link #close()} lets deliveries in progress finish;
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
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the webhook server on " + bindAddress + ":" + port + ": " + e, e);
            }
        }
    }
}
