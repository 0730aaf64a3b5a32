package io.github.bisonbackfill.core.metrics;

import io.github.bisonbackfill.core.webhook.WebhookHandler;
import io.github.bisonbackfill.core.webhook.WebhookOutcome;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Counts webhook deliveries by outcome in a Micrometer {@link MeterRegistry}: give it to
 * {@link WebhookHandler.Builder#outcomeListener(Consumer)}.
 *
 * <pre>{@code
 * WebhookHandler handler = WebhookHandler.builder()...outcomeListener(new MicrometerWebhookMetrics(registry)).build();
 * }</pre>
 *
 * <p>One counter, {@value #DELIVERIES}, tagged {@value #TAG_STATUS} (the {@link WebhookOutcome.Status}
 * in lower case), {@value #TAG_HTTP_STATUS} (the suggested answer, e.g. {@code 503}) and
 * {@value #TAG_CAUSE} (the {@link WebhookOutcome.RejectCause} in lower case, {@code none} unless
 * rejected). Every tag comes from a small enum: at most 9 series. Workspace names, reply ids and
 * emails are never tags (an unknown workspace is whatever a sender writes). Micrometer is an
 * optional dependency of backfill-core; see {@link MicrometerProgressListener}. Thread-safe.
 */
public final class MicrometerWebhookMetrics implements Consumer<WebhookOutcome> {
    /** Counter: webhook deliveries handled. */
    public static final String DELIVERIES = "bison.backfill.webhook.deliveries";
    /** Tag: the outcome's status. */
    public static final String TAG_STATUS = "status";
    /** Tag: the HTTP status to answer. */
    public static final String TAG_HTTP_STATUS = "http.status";
    /** Tag: why it was rejected, or {@code none}. */
    public static final String TAG_CAUSE = "cause";

    private final MeterRegistry registry;

    /**
     * @param registry where the counter is registered
     */
    public MicrometerWebhookMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void accept(WebhookOutcome outcome) {
        registry.counter(DELIVERIES, TAG_STATUS, outcome.status().name().toLowerCase(Locale.ROOT),
                TAG_HTTP_STATUS, Integer.toString(outcome.status().httpStatus()),
                TAG_CAUSE, outcome.cause() == null ? "none" : outcome.cause().name().toLowerCase(Locale.ROOT))
                .increment();
    }

    @Override
    public String toString() {
        return "MicrometerWebhookMetrics[" + registry.getClass().getSimpleName() + "]";
    }
}
