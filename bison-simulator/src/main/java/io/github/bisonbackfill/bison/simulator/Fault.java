package io.github.bisonbackfill.bison.simulator;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.Objects;

/**
 * One injectable fault (an immutable value). Create with the static factories and program it with
 * {@link Faults}:
 *
 * <pre>{@code
 * sim.faults().failNext(RequestMatcher.repliesPage(2), 1, Fault.status(503));
 * sim.faults().failNext(RequestMatcher.endpoint(Endpoint.REPLIES), 2, Fault.dropConnection());
 * }</pre>
 */
public final class Fault {

    /** Default delay of {@link #slowResponse()}: longer than any sensible client timeout. */
    public static final Duration DEFAULT_SLOW_RESPONSE_DELAY = Duration.ofSeconds(30);

    private final FaultKind kind;
    private final int status;
    private final Duration delay;
    private final @Nullable RetryAfterMode retryAfterMode;

    private Fault(FaultKind kind, int status, Duration delay, @Nullable RetryAfterMode retryAfterMode) {
        this.kind = kind;
        this.status = status;
        this.delay = delay;
        this.retryAfterMode = retryAfterMode;
    }

    /**
     * An error response with the given status: 500 and 503 carry Laravel's JSON body
     * ({@code {"message": "Server Error"}}), 502 and 504 an nginx HTML page, others a JSON message.
     *
     * @param status an HTTP status from 400 to 599
     * @return the fault
     * @throws IllegalArgumentException if {@code status} is outside 400..599
     */
    public static Fault status(int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be 400..599, got " + status);
        }
        return new Fault(FaultKind.STATUS, status, Duration.ZERO, null);
    }

    /**
     * Closes the connection without sending any response.
     *
     * @return the fault
     */
    public static Fault dropConnection() {
        return new Fault(FaultKind.DROP_CONNECTION, 0, Duration.ZERO, null);
    }

    /**
     * Sends the normal response after {@link #DEFAULT_SLOW_RESPONSE_DELAY}.
     *
     * @return the fault
     */
    public static Fault slowResponse() {
        return slowResponse(DEFAULT_SLOW_RESPONSE_DELAY);
    }

    /**
     * Sends the normal response after {@code delay} (on top of the configured latency). The sleeping
     * handler thread is interrupted when the simulator closes.
     *
     * @param delay the extra delay, not negative
     * @return the fault
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public static Fault slowResponse(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
        return new Fault(FaultKind.SLOW_RESPONSE, 200, delay, null);
    }

    /**
     * Sends status 200 with the normal JSON body cut at about half its length.
     *
     * @return the fault
     */
    public static Fault truncatedJson() {
        return new Fault(FaultKind.TRUNCATED_JSON, 200, Duration.ZERO, null);
    }

    /**
     * Sends the normal response with raw control characters (U+0001, U+0007, U+001F and a raw
     * newline) written unescaped inside JSON strings (reply bodies when present), as real reply bodies
     * have been seen. Strict JSON parsers reject such a body.
     *
     * @return the fault
     */
    public static Fault controlCharacters() {
        return new Fault(FaultKind.CONTROL_CHARACTERS, 200, Duration.ZERO, null);
    }

    /**
     * Sends an HTML error page ({@code text/html}) with the given status, as a Laravel app, its proxy
     * or a maintenance page does.
     *
     * @param status an HTTP status from 200 to 599 (200 models a login/maintenance page served as OK)
     * @return the fault
     * @throws IllegalArgumentException if {@code status} is outside 200..599
     */
    public static Fault htmlErrorPage(int status) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200..599, got " + status);
        }
        return new Fault(FaultKind.HTML_ERROR_PAGE, status, Duration.ZERO, null);
    }

    /**
     * Sends 429 {@code Too Many Attempts.} with the given {@code Retry-After} mode; the announced wait
     * is {@code retryAfter} (rounded up to whole seconds).
     *
     * @param mode       how {@code Retry-After} is sent (or not)
     * @param retryAfter the announced wait, at least zero
     * @return the fault
     * @throws IllegalArgumentException if {@code retryAfter} is negative
     */
    public static Fault rateLimited(RetryAfterMode mode, Duration retryAfter) {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative");
        }
        return new Fault(FaultKind.RATE_LIMITED, 429, retryAfter, mode);
    }

    /**
     * The kind of fault.
     *
     * @return the kind
     */
    public FaultKind kind() {
        return kind;
    }

    /**
     * The status this fault sends, {@code 0} for a dropped connection, 200 for faults that corrupt an
     * otherwise normal response (its real status is kept for {@link FaultKind#SLOW_RESPONSE} and
     * {@link FaultKind#CONTROL_CHARACTERS}).
     *
     * @return the status
     */
    public int status() {
        return status;
    }

    /**
     * The delay of a slow response, or the announced wait of a rate-limited fault; zero otherwise.
     *
     * @return the delay
     */
    public Duration delay() {
        return delay;
    }

    /**
     * The {@code Retry-After} mode of a {@link FaultKind#RATE_LIMITED} fault, else {@code null}.
     *
     * @return the mode or {@code null}
     */
    public @Nullable RetryAfterMode retryAfterMode() {
        return retryAfterMode;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case STATUS -> "status " + status;
            case DROP_CONNECTION -> "dropped connection";
            case SLOW_RESPONSE -> "slow response (" + delay.toMillis() + " ms)";
            case TRUNCATED_JSON -> "truncated JSON";
            case CONTROL_CHARACTERS -> "raw control characters";
            case HTML_ERROR_PAGE -> "HTML error page " + status;
            case RATE_LIMITED -> "429 (Retry-After " + retryAfterMode + ")";
        };
    }
}
