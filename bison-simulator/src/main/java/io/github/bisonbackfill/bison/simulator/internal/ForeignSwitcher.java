package io.github.bisonbackfill.bison.simulator.internal;

import io.github.bisonbackfill.bison.internal.DaemonThreads;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Another actor (a person in the web UI, another cron job) switching the same super-admin user to
 * random other workspaces at random moments, seeded. Runs on its own daemon thread. Two modes (see
 * {@link SwitcherPlan}): exponential pauses, switching away only; or bouncing, uniform pauses and a
 * switch back after a uniform stay. Its pauses and targets come from one stream
 * ({@link RandomStream#SWITCHER}), its switches' lags from another ({@link RandomStream#SWITCHER_LAG}):
 * it disturbs neither the data nor the lag of the client's switches. Its sequence of choices is fixed
 * by the seed; when they happen is wall-clock time, so how they interleave with a client's requests is not.
 */
final class ForeignSwitcher {
    private final InstanceState instance;
    private final SwitcherPlan plan;
    private final Random random;
    private final Random lagRandom;
    private final Thread thread;
    private volatile boolean running = true;

    ForeignSwitcher(InstanceState instance, SwitcherPlan plan, Random random, Random lagRandom) {
        if (!plan.bouncing() && (plan.mean().isNegative() || plan.mean().isZero())) {
            throw new IllegalArgumentException("foreign switcher interval must be positive");
        }
        this.instance = instance;
        this.plan = plan;
        this.random = random;
        this.lagRandom = lagRandom;
        this.thread = DaemonThreads.named("bison-sim-foreign-switcher-" + instance.name())
                .newThread(plan.bouncing() ? this::bounce : this::run);
    }

    void start() {
        thread.start();
    }

    void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        Duration mean = plan.mean();
        while (running) {
            long sleepNanos = (long) (-Math.log(1 - random.nextDouble()) * mean.toNanos());
            if (!sleep(sleepNanos)) {
                return;
            }
            List<Long> others = others(instance.userContext().requested());
            if (!others.isEmpty()) {
                instance.switchUser(others.get(random.nextInt(others.size())), true, lagRandom);
            }
        }
    }

    private void bounce() {
        while (running) {
            if (!sleep(uniformNanos(plan.minInterval(), plan.maxInterval()))) {
                return;
            }
            long previous = instance.userContext().requested();
            List<Long> others = others(previous);
            if (others.isEmpty()) {
                continue;
            }
            instance.switchUser(others.get(random.nextInt(others.size())), true, lagRandom);
            if (!sleep(uniformNanos(plan.minBack(), plan.maxBack()))) {
                return;
            }
            instance.switchUser(previous, true, lagRandom);
        }
    }

    /** The instance's workspaces but {@code current}, in creation order. */
    private List<Long> others(long current) {
        List<Long> ids = instance.workspaceIds();
        ids.remove(Long.valueOf(current));
        return ids;
    }

    private long uniformNanos(Duration min, Duration max) {
        return RandomStream.uniform(random, min, max).toNanos();
    }

    /** Sleeps; {@code false} when stopped meanwhile. */
    private boolean sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            return false;
        }
        return running;
    }
}
