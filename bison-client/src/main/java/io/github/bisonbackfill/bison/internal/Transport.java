package io.github.bisonbackfill.bison.internal;

import dev.failsafe.Bulkhead;
import dev.failsafe.BulkheadFullException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RateLimitExceededException;
import dev.failsafe.RateLimiter;
import dev.failsafe.RetryPolicy;
import dev.failsafe.event.ExecutionScheduledEvent;
import io.github.bisonbackfill.bison.BisonAuthException;
import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.BisonIoException;
import io.github.bisonbackfill.bison.BisonJsonShapeException;
import io.github.bisonbackfill.bison.BisonMalformedResponseException;
import io.github.bisonbackfill.bison.BisonNotFoundException;
import io.github.bisonbackfill.bison.BisonRateLimitedException;
import io.github.bisonbackfill.bison.BisonServerException;
import io.github.bisonbackfill.bison.BisonServiceException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * HTTP for one client: one HttpClient 5 (its own retries disabled), the one Failsafe retry layer,
 * per-attempt and per-call timeouts, a rate limiter and a bulkhead per key, and the mapping of
 * statuses to the library's exceptions. Thread-safe.
 */
public final class Transport implements AutoCloseable {
    /** How much higher the backoff of a 429 without Retry-After starts than {@code retryBaseDelay}. */
    private static final long THROTTLED_BACKOFF_FACTOR = 10;
    private static final Logger log = LoggerFactory.getLogger(Transport.class);
    private static final int BODY_IN_EXCEPTION = 500;

    private final ClientConfig config;
    private final CloseableHttpClient http;
    private final ScheduledExecutorService timer;
    private final Redactor redactor;
    private final ConcurrentMap<ApiKey, KeyLimits> limits = new ConcurrentHashMap<>();
    private final AtomicInteger requestsSent = new AtomicInteger();

    private record KeyLimits(RateLimiter<HttpResult> rateLimiter, Bulkhead<HttpResult> bulkhead) {
    }

    /**
     * A response of one attempt, fully read so the connection is released at once; for a 2xx, the
     * body as read by the caller's reader, or why it could not be read.
     */
    record HttpResult(int status, byte[] body, @Nullable String retryAfter, @Nullable Object value,
                      @Nullable BisonMalformedResponseException unreadable) {
        HttpResult(int status, byte[] body, @Nullable String retryAfter) {
            this(status, body, retryAfter, null, null);
        }

        boolean success() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * Creates the transport.
     *
     * @param config   the client's settings
     * @param redactor removes keys from text that leaves the library
     */
    public Transport(ClientConfig config, Redactor redactor) {
        this.config = config;
        this.redactor = redactor;
        Timeout attempt = Timeout.of(config.attemptTimeout());
        int keys = config.workspaceKeys().size() + (config.superAdminKey() == null ? 0 : 1);
        int connections = Math.max(8, keys * config.maxConcurrentRequests());
        HttpClientBuilder builder = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        // Keeps the Authorization header out of HttpClient's header and wire loggers.
                        .setConnectionFactory(UnloggedConnections.FACTORY)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(attempt)
                                .setSocketTimeout(attempt)
                                // A pooled connection the server closed while idle would fail the
                                // next request; re-validating after a short idle time avoids that.
                                .setValidateAfterInactivity(TimeValue.ofMilliseconds(500))
                                .build())
                        .setMaxConnTotal(connections)
                        .setMaxConnPerRoute(connections)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(attempt)
                        .setResponseTimeout(attempt)
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .useSystemProperties() // https.proxyHost & co. (the connection manager above stays ours)
                .setUserAgent(BisonClient.USER_AGENT);
        config.httpClientCustomizer().accept(builder);
        this.http = builder.build();
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bison-" + config.instanceName()
                + "-timer"));
    }

    /** Returns the redactor of this client's keys. */
    public Redactor redactor() {
        return redactor;
    }

    /** Returns how many HTTP attempts were started so far (for tests and benchmarks). */
    public int requestsSent() {
        return requestsSent.get();
    }

    /**
     * Sends one request and returns the body of its 2xx response.
     *
     * @see #send(Endpoint, ApiKey, byte[], boolean, Function)
     */
    public byte[] send(Endpoint endpoint, ApiKey key, byte[] jsonBody, boolean idempotent) {
        return send(endpoint, key, jsonBody, idempotent, Function.identity());
    }

    /**
     * Sends one request and reads the body of its 2xx response with {@code reader}, inside the retry
     * layer: on an idempotent call, a 2xx whose body the reader cannot parse as JSON (cut short, an
     * HTML page served as OK, empty) is a transient answer and is asked again within the budget, like
     * a 5xx; a body that is JSON of an unexpected shape is not (asking again would not change it).
     *
     * @param endpoint   what to call
     * @param key        the key to authenticate with
     * @param jsonBody   a JSON body for a POST, or {@code null}
     * @param idempotent whether an ambiguous failure (I/O after sending, a 5xx, an unreadable 2xx) may
     *                   be retried; a non-idempotent call is retried only when it certainly never
     *                   reached the server (connection refused) or was refused by the rate limit (429)
     * @param reader     reads a 2xx body; throws {@link BisonMalformedResponseException} when it cannot
     * @param <T>        what the reader returns
     * @return what the reader made of the body
     * @throws BisonIoException                no response within the retries and time budget
     * @throws BisonServiceException           an error status that is not retried or outlasted the retries
     * @throws BisonMalformedResponseException the last 2xx body could not be read
     */
    @SuppressWarnings("unchecked")
    public <T> T send(Endpoint endpoint, ApiKey key, byte @Nullable [] jsonBody, boolean idempotent,
                      Function<byte[], T> reader) {
        long deadline = now() + config.callTimeout().toNanos();
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy<HttpResult> retry = retryPolicy(endpoint, idempotent, deadline);
        KeyLimits keyLimits = limits.computeIfAbsent(key, this::newLimits);
        HttpResult result;
        try {
            result = Failsafe.with(retry).compose(keyLimits.rateLimiter()).compose(keyLimits.bulkhead())
                    .get(() -> read(attempt(endpoint, key, jsonBody, deadline, attempts), reader));
        } catch (RateLimitExceededException | BulkheadFullException e) {
            throw new BisonIoException(endpoint.describeWithWorkspace() + ": no client-side permit within callTimeout "
                    + config.callTimeout() + " (" + e.getClass().getSimpleName()
                    + "); lower the load or raise requestsPerSecond/maxConcurrentRequests", attempts.get(), e);
        } catch (FailsafeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new BisonIoException(endpoint.describeWithWorkspace() + ": no response after " + attempts.get()
                    + " attempt(s): " + describe(cause), attempts.get(), cause);
        }
        if (result.success()) {
            if (result.unreadable() != null) {
                throw result.unreadable();
            }
            return (T) result.value();
        }
        throw toException(endpoint, result, attempts.get());
    }

    /** Reads a 2xx body; an unreadable one is kept as the attempt's result so the policy can judge it. */
    private static HttpResult read(HttpResult raw, Function<byte[], ?> reader) {
        if (!raw.success()) {
            return raw;
        }
        try {
            return new HttpResult(raw.status(), raw.body(), raw.retryAfter(), reader.apply(raw.body()), null);
        } catch (BisonMalformedResponseException e) {
            if (e.getCause() instanceof BisonJsonShapeException) {
                throw e;
            }
            return new HttpResult(raw.status(), raw.body(), raw.retryAfter(), null, e);
        }
    }

    private KeyLimits newLimits(ApiKey key) {
        long nanosPerRequest = Math.max(1L, (long) (1_000_000_000L / config.requestsPerSecond()));
        RateLimiter<HttpResult> rateLimiter = RateLimiter.<HttpResult>smoothBuilder(Duration.ofNanos(nanosPerRequest))
                .withMaxWaitTime(config.callTimeout())
                .build();
        Bulkhead<HttpResult> bulkhead = Bulkhead.<HttpResult>builder(config.maxConcurrentRequests())
                .withMaxWaitTime(config.callTimeout())
                .build();
        return new KeyLimits(rateLimiter, bulkhead);
    }

    private RetryPolicy<HttpResult> retryPolicy(Endpoint endpoint, boolean idempotent, long deadline) {
        return RetryPolicy.<HttpResult>builder()
                // A non-idempotent POST is retried only when it certainly did not reach the server.
                .handle(idempotent ? IOException.class : ConnectException.class)
                .handleResultIf(r -> r.status() == 429
                        || (idempotent && (isRetryableServerStatus(r.status()) || r.unreadable() != null)))
                .abortIf((r, failure) -> now() >= deadline
                        || (r != null && honoursRetryAfter(r.status()) && exceedsDeadline(retryAfter(r), deadline)))
                .withMaxAttempts(config.maxAttempts())
                // No delay of Failsafe's own: see waitBeforeRetry.
                .onRetryScheduled(e -> waitBeforeRetry(endpoint, e, deadline))
                .build();
    }

    /**
     * Waits before a retry, on the client's {@link Timing}. Failsafe 3.3.2 sleeps a synchronous
     * execution's retry delay with {@code Thread.sleep} and takes no clock or sleeper for it (its
     * {@code Scheduler} serves asynchronous executions only), so its delay stays zero and the wait is
     * taken here: on the calling thread, between two attempts, outside the rate limiter and the
     * bulkhead, where Failsafe slept.
     */
    private void waitBeforeRetry(Endpoint endpoint, ExecutionScheduledEvent<HttpResult> e, long deadline) {
        Duration wait = delay(e.getLastResult(), e.getAttemptCount(), deadline);
        logRetry(endpoint, e, wait);
        try {
            config.timing().sleep(wait);
        } catch (InterruptedException interrupted) {
            // Failsafe ignores what a listener throws; with the flag restored its own zero-length
            // sleep throws, which ends the call as an interrupted one (BisonIoException), as before.
            Thread.currentThread().interrupt();
        }
    }

    private long now() {
        return config.timing().nanoTime();
    }

    /**
     * Every 5xx but 501 (Not Implemented) and 505 (HTTP Version Not Supported), which no repetition
     * changes. A 500 from Laravel is usually transient (a deadlock, a worker restarting, a timeout
     * upstream): production instances answer about 1 % of requests with one.
     */
    static boolean isRetryableServerStatus(int status) {
        return status >= 500 && status <= 599 && status != 501 && status != 505;
    }

    private boolean exceedsDeadline(@Nullable Duration wait, long deadline) {
        return wait != null && now() + wait.toNanos() > deadline;
    }

    private @Nullable Duration retryAfter(HttpResult r) {
        return RetryAfter.parse(r.retryAfter(), config.timing().clock());
    }

    /** 429, and 503 (Laravel's maintenance mode sends Retry-After too). */
    private static boolean honoursRetryAfter(int status) {
        return status == 429 || status == 503;
    }

    private Duration delay(@Nullable HttpResult last, int attemptsMade, long deadline) {
        Duration wait = last != null && honoursRetryAfter(last.status()) ? retryAfter(last) : null;
        if (wait == null) {
            // Exponential backoff with "equal jitter": half fixed, half random, capped. A 429 without
            // Retry-After starts 10x higher (5 s by default: 5, 10, 20, 30 s), so the retries outlast a
            // per-minute window instead of spending themselves within a few seconds of it.
            long base = config.retryBaseDelay().toNanos()
                    * (last != null && last.status() == 429 ? THROTTLED_BACKOFF_FACTOR : 1);
            wait = Backoff.equalJitter(base, config.retryMaxDelay().toNanos(), attemptsMade);
        }
        long remaining = Math.max(0, deadline - now());
        return wait.toNanos() > remaining ? Duration.ofNanos(remaining) : wait;
    }

    private void logRetry(Endpoint endpoint, ExecutionScheduledEvent<HttpResult> e, Duration wait) {
        if (log.isDebugEnabled()) {
            HttpResult last = e.getLastResult();
            String what = last == null ? "error=" + e.getLastException().getClass().getSimpleName()
                    : "status=" + last.status() + (last.unreadable() != null ? ", body not readable as JSON" : "");
            log.debug("retrying {} [attempt={}, delay={}ms, {}]", endpoint.describeWithWorkspace(),
                    e.getAttemptCount() + 1, wait.toMillis(), what);
        }
    }

    private HttpResult attempt(Endpoint endpoint, ApiKey key, byte @Nullable [] jsonBody, long deadline,
                               AtomicInteger attempts)
            throws IOException {
        long remaining = deadline - now();
        if (remaining <= 0) {
            throw new CallTimeoutException("callTimeout " + config.callTimeout() + " exceeded");
        }
        attempts.incrementAndGet();
        requestsSent.incrementAndGet();
        URI uri = URI.create(config.baseUri() + endpoint.pathAndQuery());
        HttpUriRequestBase request = "POST".equals(endpoint.method()) ? new HttpPost(uri) : new HttpGet(uri);
        request.setHeader("Accept", "application/json");
        request.setHeader("Authorization", "Bearer " + key.secret());
        if (jsonBody != null) {
            request.setEntity(new ByteArrayEntity(jsonBody, ContentType.APPLICATION_JSON));
        }
        long bound = Math.min(config.attemptTimeout().toNanos(), remaining);
        AtomicBoolean timedOut = new AtomicBoolean();
        // A hard bound on the whole attempt: socket timeouts bound each read, not a body trickling in.
        ScheduledFuture<?> cancel = timer.schedule(() -> {
            timedOut.set(true);
            request.cancel();
        }, bound, TimeUnit.NANOSECONDS);
        try {
            return http.execute(request, response -> {
                Header retryAfter = response.getFirstHeader("Retry-After");
                byte[] body = response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity());
                return new HttpResult(response.getCode(), body, retryAfter == null ? null : retryAfter.getValue());
            });
        } catch (IOException e) {
            if (timedOut.get()) {
                throw new AttemptTimeoutException("attempt timed out after " + Duration.ofNanos(bound).toMillis() + " ms");
            }
            throw e;
        } finally {
            cancel.cancel(false);
        }
    }

    private BisonServiceException toException(Endpoint endpoint, HttpResult result, int attempts) {
        int status = result.status();
        String body = redactor.excerpt(new String(result.body(), StandardCharsets.UTF_8), BODY_IN_EXCEPTION);
        String prefix = endpoint.describeWithWorkspace() + " failed with HTTP " + status + " after " + attempts
                + " attempt(s)";
        String suffix = body.isEmpty() ? "" : ": " + body;
        return switch (status) {
            case 401 -> new BisonAuthException(prefix + " (the key is unknown, revoked or of another instance)"
                    + suffix, endpoint.describe(), status, body, attempts);
            case 403 -> new BisonAuthException(prefix + " (the key does not reach this record or workspace)"
                    + suffix, endpoint.describe(), status, body, attempts);
            case 404 -> new BisonNotFoundException(prefix + suffix, endpoint.describe(), status, body, attempts);
            case 429 -> {
                Duration wait = retryAfter(result);
                yield new BisonRateLimitedException(prefix + " (rate limited" + (wait == null ? "" : ", Retry-After "
                        + wait.toSeconds() + " s") + "; lower requestsPerSecond or retry later)" + suffix,
                        endpoint.describe(), body, attempts, wait);
            }
            default -> status >= 500
                    ? new BisonServerException(prefix + suffix, endpoint.describe(), status, body, attempts)
                    : new BisonServiceException(prefix + suffix, endpoint.describe(), status, body, attempts);
        };
    }

    private String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : " " + redactor.redact(message));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        http.close(CloseMode.GRACEFUL);
    }

    /** The hard per-attempt bound cancelled the request. */
    static final class AttemptTimeoutException extends InterruptedIOException {
        private static final long serialVersionUID = 1L;

        AttemptTimeoutException(String message) {
            super(message);
        }
    }

    /** The call's time budget was spent before another attempt could start. */
    static final class CallTimeoutException extends IOException {
        private static final long serialVersionUID = 1L;

        CallTimeoutException(String message) {
            super(message);
        }
    }
}
