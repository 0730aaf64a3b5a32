package io.github.bisonbackfill.bison.simulator.internal;

import java.time.Duration;

/**
 * Another actor (a person in the web UI, another cron job) switching the same super-admin user to
 * random other workspaces at random moments (exponential intervals, seeded). Runs on its own daemon
 * thread.
 */
final class ForeignSwitcher {
    private final InstanceState instance;
    private final Duration mean;
    private final Thread thread;
    private volatile boolean running = true;

    ForeignSwitcher(InstanceState instance, Duration mean) {
        if (mean.isNegative() || mean.isZero()) {
            throw new IllegalArgumentException("foreign switcher interval must be positive");
        }
        this.instance = instance;
        this.mean = mean;
        this.thread = new Thread(this::run, "bison-sim-foreign-switcher-" + instance.name());
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
        while (running) {
            double u = instance.nextDouble();
            long sleepNanos = (long) (-Math.log(1 - u) * mean.toNanos());
            try {
                Thread.sleep(sleepNanos / 1_000_000, (int) (sleepNanos % 1_000_000));
            } catch (InterruptedException e) {
                return;
            }
            if (!running) {
                return;
            }
            Long target = instance.randomOtherWorkspace();
            if (target != null) {
                instance.switchUser(target, true);
            }
        }
    }
}
