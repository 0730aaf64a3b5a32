package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.SafetyCounters;

import java.util.concurrent.atomic.AtomicLong;

/** The client's running {@link SafetyCounters}: every safety event of every operation is counted here. */
final class EngineCounters {
    private final AtomicLong violationsDetected = new AtomicLong();
    private final AtomicLong violationsRecovered = new AtomicLong();
    private final AtomicLong contextFailures = new AtomicLong();
    private final AtomicLong switches = new AtomicLong();
    private final AtomicLong contextChecks = new AtomicLong();

    /** A violation was detected. */
    void violationDetected() {
        violationsDetected.incrementAndGet();
    }

    /** {@code count} violations were made good. */
    void violationsRecovered(long count) {
        violationsRecovered.addAndGet(count);
    }

    /** An operation gave up: its workspace could not be proven. */
    void contextFailure() {
        contextFailures.incrementAndGet();
    }

    /** A {@code switch-workspace} was sent. */
    void switched() {
        switches.incrementAndGet();
    }

    /** A read-back ({@code GET /api/users}) was sent. */
    void contextChecked() {
        contextChecks.incrementAndGet();
    }

    /** Returns the counts so far. */
    SafetyCounters snapshot() {
        return new SafetyCounters(violationsDetected.get(), violationsRecovered.get(), contextFailures.get(),
                switches.get(), contextChecks.get());
    }
}
