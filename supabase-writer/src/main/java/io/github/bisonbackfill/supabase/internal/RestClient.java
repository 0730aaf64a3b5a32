package io.github.bisonbackfill.supabase.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.github.bisonbackfill.supabase.PostgrestError;
import io.github.bisonbackfill.supabase.SupabaseIoException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * HTTP transport to one PostgREST: authentication headers, per-attempt timeout, and the one retry
 * layer (Failsafe). HttpClient's own retries are disabled.
 */
public final class RestClient implements Closeable {
    /** The User-Agent of every request: {@code bison-backfill/<version> (supabase-writer)}. */
    public static final String USER_AGENT = "bison-backfill/" + LibraryVersion.VERSION + " (supabase-writer)";

    private static final Logger log = LoggerFactory.getLogger(RestClient.class);

    /** Which failures a request may be retried after. */
    public enum RetryMode {
        /**
         * Idempotent request (upsert, count, select): network errors, 429, 502, 503, 504, 520, PGRST000-003,
         * and deadlocks / serialization failures ({@code 40P01}, {@code 40001}).
         */
        IDEMPOTENT,
        /** Idempotent and splittable: as IDEMPOTENT, but a size-related 504 is returned at once to split the batch. */
        IDEMPOTENT_SPLITTABLE,
        /**
         * Not idempotent (plain insert): only failures where the server certainly did not process the
         * request: connection not established, 429, 503, PGRST000/002/003 (no database connection), and
         * {@code 40P01}/{@code 40001} (the transaction was rolled back).
         */
        UNPROCESSED_ONLY
    }

    /**
     * A request relative to the REST base URL.
     *
     * @param method       HTTP method
     * @param pathAndQuery e.g. {@code /client_leads?columns=a,b}, already encoded
     * @param headers      extra headers
     * @param body         JSON body or {@code null}
     */
    public record Request(String method, String pathAndQuery, Map<String, String> headers, byte @Nullable [] body) {
    }

    /**
     * The last answer and the attempts it took.
     *
     * @param response the answer
     * @param attempts attempts made (1 = no retry)
     */
    public record Outcome(RestResponse response, int attempts) {
    }

    /** Receives each retry decision (for counting); never sees secrets. */
    public interface RetryCounter {
        /** One more retry will be made. */
        void retried();
    }

    private final String baseUrl;
    private final String apiKey;
    private final @Nullable String schema;
    private final Duration attemptTimeout;
    private final Duration callTimeout;
    private final int maxAttempts;
    private final Duration retryBaseDelay;
    private final Duration retryMaxDelay;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final CloseableHttpClient http;
    private final ScheduledExecutorService canceller;

    /**
     * Creates the transport and its connection pool.
     *
     * @param baseUrl        REST base URL without trailing slash
     * @param apiKey         the key, sent as {@code apikey} and {@code Authorization: Bearer}
     * @param schema         schema for Content-Profile/Accept-Profile, or {@code null}
     * @param connectTimeout TCP connect timeout
     * @param attemptTimeout bound on one attempt, from sending to the last byte of the answer
     * @param callTimeout    bound on one request with all its retries and waits
     * @param maxAttempts    attempts per request, at least 1
     * @param retryBaseDelay first backoff delay
     * @param retryMaxDelay  backoff cap (a server's {@code Retry-After} may ask for more)
     * @param maxConnections connections kept to the server
     * @param mapper         JSON mapper
     * @param clock          clock for HTTP-date {@code Retry-After}
     * @param customizer     called with the HttpClient builder before it is built
     */
    public RestClient(String baseUrl, String apiKey, @Nullable String schema, Duration connectTimeout,
                      Duration attemptTimeout, Duration callTimeout, int maxAttempts, Duration retryBaseDelay,
                      Duration retryMaxDelay, int maxConnections, ObjectMapper mapper, Clock clock,
                      Consumer<HttpClientBuilder> customizer) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.schema = schema;
        this.attemptTimeout = attemptTimeout;
        this.callTimeout = callTimeout;
        this.maxAttempts = maxAttempts;
        this.retryBaseDelay = retryBaseDelay;
        this.retryMaxDelay = retryMaxDelay;
        this.mapper = mapper;
        this.clock = clock;
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                // Keeps the apikey/Authorization headers out of HttpClient's header and wire loggers.
                .setConnectionFactory(UnloggedConnections.FACTORY)
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(Timeout.of(attemptTimeout))
                        .setValidateAfterInactivity(TimeValue.ofSeconds(1))
                        .build())
                .build();
        HttpClientBuilder builder = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(attemptTimeout))
                        .setConnectionRequestTimeout(Timeout.of(attemptTimeout))
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .useSystemProperties() // https.proxyHost & co. (the connection manager above stays ours)
                .setUserAgent(USER_AGENT);
        customizer.accept(builder);
        this.http = builder.build();
        this.canceller = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("supabase-writer-timeouts"));
    }

    /** The REST base URL. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The schema, or {@code null} for the server's default. */
    public @Nullable String schema() {
        return schema;
    }

    /**
     * Sends a request, retrying per {@code mode}, and returns the last answer, whatever its status.
     *
     * @param request     the request
     * @param mode        which failures may be retried
     * @param description what is being done, for messages, e.g. {@code upsert into client_leads}
     * @param counter     told about every retry
     * @return the last answer and the attempts made
     * @throws SupabaseIoException when no answer was obtained
     */
    public Outcome send(Request request, RetryMode mode, String description, RetryCounter counter) {
        return send(request, mode, description, counter, response -> true);
    }

    /**
     * Sends a request like {@link #send(Request, RetryMode, String, RetryCounter)}; a 2xx whose body
     * {@code readable} refuses (cut short, a proxy's page) is asked again within the same budget, on
     * an idempotent mode only. After the budget the last answer is returned for the caller to report.
     */
    public Outcome send(Request request, RetryMode mode, String description, RetryCounter counter,
                        Predicate<RestResponse> readable) {
        AtomicInteger attempts = new AtomicInteger();
        RetryPolicy<RestResponse> policy = RetryPolicy.<RestResponse>builder()
                .handleIf((response, failure) -> failure != null
                        ? failure instanceof IOException io && retryableFailure(io, mode)
                        : retryableResponse(response, mode)
                        || (mode != RetryMode.UNPROCESSED_ONLY && response.successful() && !readable.test(response)))
                .withMaxAttempts(maxAttempts)
                .withMaxDuration(callTimeout)
                .withDelayFn(ctx -> delay(ctx.getAttemptCount(), ctx.getLastResult()))
                .onRetry(event -> {
                    counter.retried();
                    if (log.isDebugEnabled()) {
                        RestResponse last = event.getLastResult();
                        log.debug("{}: retrying [attempt={}, delay={}ms, {}]", description, event.getAttemptCount() + 1,
                                delay(event.getAttemptCount(), last).toMillis(),
                                last != null ? "status=" + last.status() : "error=" + event.getLastException());
                    }
                })
                .build();
        try {
            RestResponse response = Failsafe.with(policy).get(() -> {
                attempts.incrementAndGet();
                return exchange(request);
            });
            return new Outcome(response, attempts.get());
        } catch (FailsafeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new SupabaseIoException(description + " was interrupted", cause);
            }
            throw ioFailure(description, cause, attempts.get(), mode);
        }
    }

    private SupabaseIoException ioFailure(String description, Throwable cause, int attempts, RetryMode mode) {
        String kind = cause instanceof SocketTimeoutException || cause instanceof ConnectTimeoutException
                ? "timed out (" + cause.getMessage() + ")"
                : "failed: " + cause;
        String advice = mode == RetryMode.UNPROCESSED_ONLY && !(cause instanceof IOException io && unprocessed(io))
                ? " The server may have written this batch: an insert is not re-sent blindly; check with count() before re-sending."
                : " Check that " + baseUrl + " is reachable; rows already acknowledged stay written.";
        return new SupabaseIoException(description + " " + kind + " after " + attempts + " attempt"
                + (attempts == 1 ? "" : "s") + "." + advice, cause);
    }

    private boolean retryableFailure(IOException failure, RetryMode mode) {
        return mode != RetryMode.UNPROCESSED_ONLY || unprocessed(failure);
    }

    /** Failures that happen before the request could reach the server. */
    static boolean unprocessed(IOException failure) {
        return failure instanceof ConnectException
                || failure instanceof ConnectTimeoutException
                || failure instanceof NoRouteToHostException
                || failure instanceof UnknownHostException
                || failure instanceof ConnectionRequestTimeoutException;
    }

    private boolean retryableResponse(@Nullable RestResponse response, RetryMode mode) {
        if (response == null || response.successful()) {
            return false;
        }
        int status = response.status();
        if (status < 429 || (status > 429 && status < 500)) {
            return false; // 400, 401, 403, 404, 409, 413: retrying the same request cannot help
        }
        PostgrestError error = Errors.parse(mapper, response);
        if (Errors.rolledBackByConcurrency(error)) {
            return true; // deadlock / serialization failure: the transaction was rolled back, so even an insert may be resent
        }
        switch (mode) {
            case UNPROCESSED_ONLY:
                return status == 429 || status == 503 || "PGRST000".equals(error.code())
                        || "PGRST002".equals(error.code()) || "PGRST003".equals(error.code());
            case IDEMPOTENT_SPLITTABLE:
                if (Errors.sizeRelated(error)) {
                    return false; // split instead: a smaller request may succeed where this one cannot
                }
                return status == 429 || Errors.transientServerError(error);
            default:
                return status == 429 || status == 504 || Errors.transientServerError(error);
        }
    }

    /** Delay before the next attempt: the server's {@code Retry-After} if given, else jittered exponential backoff. */
    Duration delay(int attemptsMade, @Nullable RestResponse last) {
        if (last != null) {
            Duration retryAfter = retryAfter(last.header("Retry-After"), clock);
            if (retryAfter != null) {
                return retryAfter;
            }
        }
        return backoff(attemptsMade, retryBaseDelay, retryMaxDelay);
    }

    /** Exponential backoff, {@code base * 2^(n-1)} capped at {@code max}, jittered down by up to half. */
    static Duration backoff(int attemptsMade, Duration base, Duration max) {
        long baseNanos = Math.max(1, base.toNanos());
        int exponent = Math.min(Math.max(attemptsMade - 1, 0), 30);
        long nanos = baseNanos > Long.MAX_VALUE >> exponent ? max.toNanos() : Math.min(max.toNanos(), baseNanos << exponent);
        long jittered = nanos / 2 + ThreadLocalRandom.current().nextLong(nanos / 2 + 1);
        return Duration.ofNanos(jittered);
    }

    /**
     * Parses {@code Retry-After}: delta-seconds or an HTTP date.
     *
     * @return the delay (zero for a past date), or {@code null} when absent or unreadable
     */
    public static @Nullable Duration retryAfter(@Nullable String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    private RestResponse exchange(Request request) throws IOException {
        HttpUriRequestBase http = new HttpUriRequestBase(request.method(), URI.create(baseUrl + request.pathAndQuery()));
        http.setHeader("apikey", apiKey);
        http.setHeader("Authorization", "Bearer " + apiKey);
        http.setHeader("Accept", "application/json");
        if (schema != null) {
            http.setHeader(request.body() != null ? "Content-Profile" : "Accept-Profile", schema);
        }
        request.headers().forEach(http::setHeader);
        if (request.body() != null) {
            http.setEntity(new ByteArrayEntity(request.body(), ContentType.APPLICATION_JSON));
        }
        // The response timeout bounds silence between packets; this bounds the whole attempt.
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = canceller.schedule(() -> {
            timedOut.set(true);
            http.cancel();
        }, attemptTimeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            return this.http.execute(http, response -> {
                Map<String, String> headers = new HashMap<>();
                for (Header h : response.getHeaders()) {
                    headers.put(h.getName().toLowerCase(Locale.ROOT), h.getValue());
                }
                HttpEntity entity = response.getEntity();
                byte[] body = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
                return new RestResponse(response.getCode(), headers, body);
            });
        } catch (IOException e) {
            if (timedOut.get()) {
                SocketTimeoutException timeout = new SocketTimeoutException("attempt exceeded " + attemptTimeout.toMillis() + " ms");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    @Override
    public void close() throws IOException {
        canceller.shutdownNow();
        http.close();
    }
}
