package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.WorkspaceContextException;
import io.github.bisonbackfill.bison.internal.BisonJson.CurrentUser;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;

/**
 * The safety state of one operation on one workspace: switch, settle and verify, read-back watching,
 * the violations it detected and recovered, and the bounded recovery. Recovery rounds are judged by
 * progress: a round (what happens between two violations) that proved at least one more fence group
 * does not count against {@code maxContextRecoveries}; rounds without progress count, are preceded by
 * a jittered exponential wait, and are bounded by the count and by {@code contextRecoveryBudget}
 * since the latest proof. Used by one thread (the read-back watcher only reads {@link #isTarget}).
 */
final class ContextGuard {
    /** Logs under the engine's name, the one logging configurations name. */
    private static final Logger log = LoggerFactory.getLogger(BisonEngine.class);
    static final String SWITCHER_CAUSE = "another process may be switching this user (a cron job, a script, "
            + "someone in the web UI), or the workspace's replies kept changing during every re-read; make every "
            + "switcher share the session lock, or use per-workspace api-user keys, which need no switching and no "
            + "proof: configure a key store (BisonClient.Builder.keyStore, or run.key_store in the CLI's config) and "
            + "a key is minted once per workspace with the super-admin key and used from then on";

    private final WorkspaceContext context;
    private final ClientConfig config;
    final long workspaceId;
    final boolean fenced;
    @Nullable String name;
    int detected;
    int recovered;
    private int pending;
    /** Consecutive recovery rounds that proved nothing. */
    private int roundsWithoutProgress;
    /** Whether a fence group was proven since the latest violation. */
    private boolean progressed;
    /** When the operation started or last proved a fence group. */
    private long lastProgressNanos;

    ContextGuard(WorkspaceContext context, long workspaceId, @Nullable String name, boolean fenced) {
        this.context = context;
        this.config = context.config();
        this.workspaceId = workspaceId;
        this.name = name;
        this.fenced = fenced;
        this.lastProgressNanos = context.nanoTime();
    }

    /** A fence group (or a fenced single request) was proven: the current round made progress. */
    void progress() {
        progressed = true;
        lastProgressNanos = context.nanoTime();
    }

    /** What was proven since the latest violation was thrown away (a discarded pass): no progress. */
    void forgetProgress() {
        progressed = false;
    }

    boolean isTarget(CurrentUser user) {
        if (user.teamId() != null && user.teamId() == workspaceId) {
            if (user.teamName() != null) {
                name = user.teamName();
                context.rememberName(workspaceId, name);
            }
            return true;
        }
        return false;
    }

    /** Reads back the current workspace. */
    CurrentUser check() {
        return context.checkContext();
    }

    /**
     * Switch, settle, verify by bounded polling; an unconfirmed switch is a violation (bounded).
     * The read-back is watched every verification interval from the switch on, the settle delay
     * included, and a confirmation counts only when the target has shown in every check for at
     * least the settle delay since the switch or since the last check that showed another
     * workspace. A foreign switch away and back while we wait is then seen (if it stayed away
     * longer than one interval) instead of slept through: on a server whose data trails its
     * read-back, the data read next may be that switch's. And if the read-back turns to the target
     * only during polling, someone (re-)requested it just then, and that request's data may still
     * be on its way. Budget: the checks that fit in the settle delay plus {@code verificationAttempts}.
     */
    void switchAndVerify() {
        long settle = config.switchSettleDelay().toNanos();
        long interval = Math.max(1_000_000L, config.verificationInterval().toNanos());
        for (;;) {
            context.switchTo(workspaceId);
            long switched = context.nanoTime();
            long lastOther = switched;
            long maxChecks = Math.min(100_000, settle / interval) + config.verificationAttempts();
            int checks = 0;
            CurrentUser last;
            for (;;) {
                long untilSettled = lastOther + settle - context.nanoTime();
                context.sleep(Duration.ofNanos(Math.max(0, Math.min(interval, untilSettled))));
                last = check();
                checks++;
                long now = context.nanoTime();
                if (!isTarget(last)) {
                    lastOther = now;
                } else if (now - lastOther >= settle) {
                    return;
                }
                if (checks >= maxChecks) {
                    break;
                }
            }
            long ms = Duration.ofNanos(context.nanoTime() - switched).toMillis();
            recordViolation("switch not confirmed after " + checks + " checks in "
                    + String.format(Locale.ROOT, "%.1f", ms / 1000.0) + " s: current workspace is "
                    + last.describeTeam() + (isTarget(last) ? " only since the last checks" : ""));
        }
    }

    /**
     * Watches the read-back for {@code duration}, one check every verification interval and one at
     * the end.
     *
     * @return the first check that showed another workspace, or {@code null} if all showed the target
     */
    @Nullable CurrentUser watch(Duration duration) {
        long interval = Math.max(1_000_000L, config.verificationInterval().toNanos());
        long end = context.nanoTime() + duration.toNanos();
        for (;;) {
            context.sleep(Duration.ofNanos(Math.max(0, Math.min(interval, end - context.nanoTime()))));
            CurrentUser user = check();
            if (!isTarget(user)) {
                return user;
            }
            if (context.nanoTime() >= end) {
                return null;
            }
        }
    }

    /**
     * Counts a violation; throws when the rounds without progress or the time budget are used up,
     * else waits (after a round without progress) and the caller re-establishes.
     */
    void recordViolation(String what) {
        detected++;
        pending++;
        context.counters().violationDetected();
        if (progressed) {
            roundsWithoutProgress = 0;
        } else {
            roundsWithoutProgress++;
        }
        progressed = false;
        long withoutProof = context.nanoTime() - lastProgressNanos;
        boolean outOfRounds = roundsWithoutProgress > config.maxContextRecoveries();
        boolean outOfTime = withoutProof >= config.contextRecoveryBudget().toNanos();
        if (!fenced || outOfRounds || outOfTime) {
            context.counters().contextFailure();
            String suffix = !fenced ? "" : outOfRounds
                    ? " (" + (roundsWithoutProgress - 1) + " recovery rounds in a row proved nothing)"
                    : " (nothing proven for " + Duration.ofNanos(withoutProof).toSeconds()
                    + " s, contextRecoveryBudget " + config.contextRecoveryBudget() + ")";
            throw new WorkspaceContextException(workspaceId, name != null ? name : context.nameFor(workspaceId),
                    what + suffix, fenced ? SWITCHER_CAUSE
                            : "the api-user key configured for it may belong to another workspace; check "
                            + "workspaceKey(" + workspaceId + ", ...)", fenced);
        }
        Duration wait = roundsWithoutProgress == 0 ? Duration.ZERO : recoveryWait(roundsWithoutProgress);
        log.warn("workspace {} ({}) on {}: {}; discarding unproven data, switching again{} (rounds without "
                        + "progress {}/{})", workspaceId, name, config.instanceName(), what,
                wait.isZero() ? "" : " in " + wait.toMillis() + " ms", roundsWithoutProgress,
                config.maxContextRecoveries());
        context.sleep(wait);
    }

    /** Jittered exponential wait before the n-th consecutive round without progress (n >= 1). */
    private Duration recoveryWait(int n) {
        return Backoff.equalJitter(config.contextRecoveryBaseDelay().toNanos(),
                config.contextRecoveryMaxDelay().toNanos(), n);
    }

    /** A violation detected and made good at once (a re-read proved the data). */
    void detectedAndRecovered(String what) {
        detected++;
        recovered++;
        context.counters().violationDetected();
        context.counters().violationsRecovered(1);
        log.warn("workspace {} ({}) on {}: {}; the re-read under a confirmed context replaced it",
                workspaceId, name, config.instanceName(), what);
    }

    /** The latest group (or request) was proven: violations pending since are recovered. */
    void markRecovered() {
        progress();
        if (pending > 0) {
            recovered += pending;
            context.counters().violationsRecovered(pending);
            pending = 0;
        }
    }
}
