package io.github.bisonbackfill.bison.simulator.internal;

import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Another actor (a person in the web UI, another cron job) switching the same super-admin user to
 * random other workspaces at random moments, seeded. Runs on its own daemon thread. Two modes (see
 * {@link SwitcherPlan}): exponential pauses, switching away only (its draws come from the instance's
 * data stream, as they always did); or bouncing, uniform pauses and a switch back after a uniform
 * stay (its draws come from a stream of its own, so it does not disturb the data).
 */
final class ForeignSwitcher {
    private final InstanceState instance;
    private final SwitcherPlan plan;
    private final Random random;
    private final Thread thread;
    private volatile boolean running = true;

    ForeignSwitcher(InstanceState instance, SwitcherPlan plan, Random random) {
        if (!plan.bouncing() && (plan.mean().isNegative() || plan.mean().isZero())) {
            throw new IllegalArgumentException("foreign switcher interval must be positive");
        }
        this.instance = instance;
        this.plan = plan;
        this.random = random;
        this.thread = new Thread(plan.bouncing() ? this::bounce : this::run,
                "bison-sim-foreign-switcher-" + instance.name());
        this.thread.setDaemon(true);
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
            double u = instance.nextDouble();
            long sleepNanos = (long) (-Math.log(1 - u) * mean.toNanos());
            if (!sleep(sleepNanos)) {
                return;
            }
            Long target = instance.randomOtherWorkspace();
            if (target != null) {
                instance.switchUser(target, true);
            }
        }
    }

    private void bounce() {
        while (running) {
            if (!sleep(uniformNanos(plan.minInterval(), plan.maxInterval()))) {
                return;
            }
            long previous = instance.userContext().requested();
            List<Long> others = instance.workspaceIds();
            others.remove(Long.valueOf(previous));
            if (others.isEmpty()) {
                continue;
            }
            instance.switchUser(others.get(random.nextInt(others.size())), true);
            if (!sleep(uniformNanos(plan.minBack(), plan.maxBack()))) {
                return;
            }
            instance.switchUser(previous, true);
        }
    }

    private long uniformNanos(Duration min, Duration max) {
        long span = max.toNanos() - min.toNanos();
        return min.toNanos() + (span <= 0 ? 0 : (long) (random.nextDouble() * span));
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
