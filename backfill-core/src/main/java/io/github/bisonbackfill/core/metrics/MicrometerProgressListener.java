package io.github.bisonbackfill.core.metrics;

import io.github.bisonbackfill.core.ClientKey;
import io.github.bisonbackfill.core.ClientOutcome;
import io.github.bisonbackfill.core.ClientReport;
import io.github.bisonbackfill.core.ProgressEvent;
import io.github.bisonbackfill.core.ProgressListener;
import io.github.bisonbackfill.core.RejectReason;
import io.github.bisonbackfill.core.WriteReject;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Records a backfill run in a Micrometer {@link MeterRegistry}: per instance and client the rows
 * written, rejects by reason, unique leads, pages, workspace-context violations, the clients'
 * outcomes and key modes, client and run durations. Add it like any listener:
 *
 * <pre>{@code
 * BackfillOrchestrator.builder()...listener(new MicrometerProgressListener(meterRegistry)).build();
 * }</pre>
 *
 * <p>Micrometer is an <em>optional</em> dependency of backfill-core: add {@code io.micrometer:micrometer-core}
 * to use this class; nothing else in the library refers to it, so without Micrometer it is never
 * loaded.
 *
 * <p><b>Meters</b> (names and tags are a stable contract, documented in {@code docs/metrics.md}).
 * Every per-client meter carries the tags {@value #TAG_INSTANCE} and {@value #TAG_CLIENT} (the plan's
 * client name): cardinality is bounded by the clients of your plans. Reply ids, emails and error
 * messages are never tags; a reject's reason is an enum name or a PostgreSQL/PostgREST error code.
 * <ul>
 *   <li>{@value #ROWS_WRITTEN} (counter): rows Supabase acknowledged.</li>
 *   <li>{@value #REJECTS} (counter; {@value #TAG_STAGE} {@code dedup|write}, {@value #TAG_REASON}):
 *       replies rejected by the dedup (reason = {@link RejectReason} name) and rows Supabase refused
 *       (reason = its error code such as {@code 23502}, or {@code other}).</li>
 *   <li>{@value #LEADS} (counter): unique leads (distinct normalised emails) after the dedup.</li>
 *   <li>{@value #PAGES} (counter): Email Bison pages read and accepted.</li>
 *   <li>{@value #VIOLATIONS} (counter; {@value #TAG_STATE} {@code detected|recovered}):
 *       workspace-context violations.</li>
 *   <li>{@value #CLIENTS} (counter; {@value #TAG_OUTCOME}, {@value #TAG_KEY_MODE}): clients of a
 *       finished run by final outcome and by how the workspace was reached (a {@code KeyMode} in lower
 *       case, or {@code none} when the scan never got that far).</li>
 *   <li>{@value #FAILED_ATTEMPTS} (counter): attempts of a client that failed.</li>
 *   <li>{@value #CLIENT_DURATION} (timer; {@value #TAG_OUTCOME}): wall time per client that ran, all
 *       its attempts (not recorded for {@code skipped_already_done} and {@code not_run}).</li>
 *   <li>{@value #RUN_DURATION} (timer; {@value #TAG_RESULT} {@code succeeded|failed},
 *       {@value #TAG_DRY_RUN}): wall time per run.</li>
 * </ul>
 *
 * <p>The work counters (rows, rejects, leads, pages, violations) are added as each attempt of a
 * client ends, from that attempt's {@link ClientReport}, a failed attempt's partial write included:
 * for a client the run tried once they equal its report's figures; a client retried in the run's
 * retry rounds adds the work of every attempt. Outcomes, durations and failed attempts are recorded
 * once per client when the run ends, from the final report. Thread-safe.
 */
public final class MicrometerProgressListener implements ProgressListener {
    /** Counter: rows acknowledged by Supabase. */
    public static final String ROWS_WRITTEN = "bison.backfill.rows.written";
    /** Counter: rejected replies (dedup) and rows (write). */
    public static final String REJECTS = "bison.backfill.rejects";
    /** Counter: unique leads after the dedup. */
    public static final String LEADS = "bison.backfill.leads";
    /** Counter: Email Bison pages read. */
    public static final String PAGES = "bison.backfill.pages";
    /** Counter: workspace-context violations. */
    public static final String VIOLATIONS = "bison.backfill.violations";
    /** Counter: clients that ended. */
    public static final String CLIENTS = "bison.backfill.clients";
    /** Counter: attempts of a client that failed (then tried again in the run's retry rounds, or final). */
    public static final String FAILED_ATTEMPTS = "bison.backfill.client.failed.attempts";
    /** Timer: wall time of a client. */
    public static final String CLIENT_DURATION = "bison.backfill.client.duration";
    /** Timer: wall time of a run. */
    public static final String RUN_DURATION = "bison.backfill.run.duration";

    /** Tag: the instance name. */
    public static final String TAG_INSTANCE = "instance";
    /** Tag: the plan's client name. */
    public static final String TAG_CLIENT = "client";
    /** Tag: {@code dedup} or {@code write}. */
    public static final String TAG_STAGE = "stage";
    /** Tag: a reject's reason. */
    public static final String TAG_REASON = "reason";
    /** Tag: {@code detected} or {@code recovered}. */
    public static final String TAG_STATE = "state";
    /** Tag: a client's {@link ClientOutcome}, lower case. */
    public static final String TAG_OUTCOME = "outcome";
    /** Tag: how the workspace was reached. */
    public static final String TAG_KEY_MODE = "key.mode";
    /** Tag: {@code succeeded} or {@code failed} (a run with a failed or unrun client). */
    public static final String TAG_RESULT = "result";
    /** Tag: {@code true} or {@code false}. */
    public static final String TAG_DRY_RUN = "dry.run";

    /** A PostgreSQL SQLSTATE ({@code 23502}) or a PostgREST code ({@code PGRST204}); anything else is "other". */
    private static final Pattern ERROR_CODE = Pattern.compile("[0-9A-Z]{5}|PGRST[0-9]{3}");

    private final MeterRegistry registry;

    /**
     * @param registry where the meters are registered
     */
    public MicrometerProgressListener(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Work of one attempt of a client: counted as it ends, so a dashboard moves during a long run. */
    @Override
    public void clientFinished(ProgressEvent.ClientFinished e) {
        ClientReport r = e.report();
        Tags client = tags(r.client());
        if (r.scan() != null) {
            add(PAGES, client, r.scan().pagesRead());
            add(VIOLATIONS, client.and(TAG_STATE, "detected"), r.scan().violationsDetected());
            add(VIOLATIONS, client.and(TAG_STATE, "recovered"), r.scan().violationsRecovered());
        }
        if (r.dedup() != null) {
            add(LEADS, client, r.dedup().uniqueLeads());
            for (Map.Entry<RejectReason, Integer> x : r.dedup().rejectedByReason().entrySet()) {
                add(REJECTS, client.and(TAG_STAGE, "dedup", TAG_REASON, x.getKey().name()), x.getValue());
            }
        }
        if (r.write() != null) {
            add(ROWS_WRITTEN, client, r.write().rowsWritten());
            for (WriteReject w : r.write().rejects()) {
                String code = w.error().code();
                registry.counter(REJECTS, client.and(TAG_STAGE, "write", TAG_REASON,
                        code != null && ERROR_CODE.matcher(code).matches() ? code : "other")).increment();
            }
        }
    }

    /** Final outcomes (after the run's retry rounds), durations and failed attempts, once per client and run. */
    @Override
    public void runFinished(ProgressEvent.RunFinished e) {
        for (ClientReport r : e.report().clients()) {
            Tags client = tags(r.client());
            String outcome = lower(r.outcome().name());
            String keyMode = r.scan() == null ? "none" : lower(r.scan().keyMode().name());
            registry.counter(CLIENTS, client.and(TAG_OUTCOME, outcome, TAG_KEY_MODE, keyMode)).increment();
            if (r.outcome() != ClientOutcome.SKIPPED_ALREADY_DONE && r.outcome() != ClientOutcome.NOT_RUN) {
                Timer.builder(CLIENT_DURATION).tags(client).tag(TAG_OUTCOME, outcome).register(registry)
                        .record(r.duration());
                add(FAILED_ATTEMPTS, client, r.failedAttempts().size());
            }
        }
        Timer.builder(RUN_DURATION).tag(TAG_RESULT, e.report().succeeded() ? "succeeded" : "failed")
                .tag(TAG_DRY_RUN, Boolean.toString(e.report().dryRun())).register(registry)
                .record(e.report().duration());
    }

    private static Tags tags(ClientKey key) {
        return Tags.of(TAG_INSTANCE, key.instance(), TAG_CLIENT, key.clientName());
    }

    /** Registers the counter even for 0, so that a dashboard shows the series from the first run. */
    private void add(String name, Tags tags, double amount) {
        Counter c = registry.counter(name, tags);
        if (amount > 0) {
            c.increment(amount);
        }
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "MicrometerProgressListener[" + registry.getClass().getSimpleName() + "]";
    }
}
