package io.github.bisonbackfill.core.internal;

import io.github.bisonbackfill.core.BackfillOrchestrator;
import io.github.bisonbackfill.core.ClientSpec;
import io.github.bisonbackfill.core.ErrorInfo;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Runs clients through the {@link Lanes}, then, up to {@code retryRounds} times and after
 * {@code retryPause}, again those whose result is a transient failure (after the others, so a
 * contended session or an outage has had time to pass). Shared by the orchestrator's run,
 * reconciliation and billing counts.
 */
public final class ClientRounds {
    private static final Logger LOG = LoggerFactory.getLogger(BackfillOrchestrator.class);

    private final Lanes lanes;
    private final int retryRounds;
    private final Duration retryPause;

    /**
     * @param lanes       the lanes every round runs in
     * @param retryRounds rounds of retries, 0 or more
     * @param retryPause  pause before each retry round
     */
    public ClientRounds(Lanes lanes, int retryRounds, Duration retryPause) {
        this.lanes = Check.notNull("lanes", lanes);
        this.retryRounds = Check.nonNegative("retryRounds", retryRounds);
        this.retryPause = Check.nonNegative("retryPause", retryPause);
    }

    /**
     * @param what    what is being done, for the log
     * @param clients the clients, in the order to start them
     * @param task    one attempt of one client
     * @param notRun  the result of a client the lanes did not reach
     * @param failure the error of a result, or {@code null} when it succeeded
     * @param merge   combines a client's earlier result with its result of a later attempt
     * @param <R>     result type
     * @return one result per client, in {@code clients} order
     */
    public <R> List<R> run(String what, List<ClientSpec> clients, Lanes.Task<R> task, Function<ClientSpec, R> notRun,
                           Function<R, @Nullable ErrorInfo> failure, BinaryOperator<R> merge) {
        List<R> results = new ArrayList<>(lanes.run(clients, task, notRun));
        for (int round = 1; round <= retryRounds; round++) {
            List<ClientSpec> again = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                ErrorInfo error = failure.apply(results.get(i));
                if (error != null && error.transientFailure()) {
                    again.add(clients.get(i));
                }
            }
            if (again.isEmpty()) {
                break;
            }
            LOG.info("{}: attempting {} client(s) again after a transient failure (round {}/{}, in {} s): {}", what,
                    again.size(), round, retryRounds, retryPause.toSeconds(),
                    again.stream().map(c -> c.key().toString()).toList());
            if (!pause(retryPause)) {
                break;
            }
            List<R> retried = lanes.run(again, task, notRun);
            for (int k = 0; k < again.size(); k++) {
                int i = clients.indexOf(again.get(k));
                results.set(i, merge.apply(results.get(i), retried.get(k)));
            }
        }
        return results;
    }

    /** Sleeps; returns {@code false} (interrupt flag kept) when interrupted. */
    private static boolean pause(Duration d) {
        if (d.isZero()) {
            return true;
        }
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
