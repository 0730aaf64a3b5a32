package io.github.bisonbackfill.bison.simulator;

import io.github.bisonbackfill.bison.simulator.internal.FaultRegistry;

import java.util.Objects;

/**
 * Programs injected faults for every instance of a {@link BisonSimulator} (restrict a rule to one
 * instance with {@link RequestMatcher#onInstance(String)}). Rules are checked in the order they were
 * added; the first matching rule that still has uses answers the request. Faults apply to
 * authenticated requests only, after the rate limit and the configured latency.
 *
 * <pre>{@code
 * sim.faults().failNext(RequestMatcher.repliesPage(2), 1, Fault.status(502));
 * sim.faults().failNext(RequestMatcher.endpoint(Endpoint.REPLIES).onWorkspace(37), 3, Fault.dropConnection());
 * sim.faults().failRandomly(RequestMatcher.any(), 0.05, Fault.status(503));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class Faults {

    private final FaultRegistry registry;

    Faults(FaultRegistry registry) {
        this.registry = registry;
    }

    /**
     * Answers the next {@code times} matching requests with {@code fault}.
     *
     * @param matcher which requests
     * @param times   how many of them, at least 1
     * @param fault   the fault
     * @return this, for chaining
     * @throws IllegalArgumentException if {@code times} is below 1
     */
    public Faults failNext(RequestMatcher matcher, int times, Fault fault) {
        Objects.requireNonNull(matcher, "matcher");
        Objects.requireNonNull(fault, "fault");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, got " + times);
        }
        registry.add(matcher, times, 1.0, fault);
        return this;
    }

    /**
     * Answers every matching request with {@code fault} until {@link #clear()}.
     *
     * @param matcher which requests
     * @param fault   the fault
     * @return this, for chaining
     */
    public Faults failAlways(RequestMatcher matcher, Fault fault) {
        Objects.requireNonNull(matcher, "matcher");
        Objects.requireNonNull(fault, "fault");
        registry.add(matcher, -1, 1.0, fault);
        return this;
    }

    /**
     * Answers each matching request with {@code fault} with the given probability, one draw per
     * matching request and rule checked from the serving instance's fault-rule stream (seeded from
     * the simulator's seed): with requests sent one after another, which ones fail is the same on
     * every run; with concurrent requests, which request gets which draw depends on timing.
     * Rules are checked in order and the first that hits answers, so a later random rule only sees
     * the requests earlier ones spared (its effective rate is lower than {@code probability}); for a
     * mix with exact, mutually exclusive rates use
     * {@link BisonSimulator.Builder#backgroundFault(Fault, double)}.
     *
     * @param matcher     which requests
     * @param probability in (0, 1]
     * @param fault       the fault
     * @return this, for chaining
     * @throws IllegalArgumentException if {@code probability} is outside (0, 1]
     */
    public Faults failRandomly(RequestMatcher matcher, double probability, Fault fault) {
        Objects.requireNonNull(matcher, "matcher");
        Objects.requireNonNull(fault, "fault");
        if (!(probability > 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be in (0, 1], got " + probability);
        }
        registry.add(matcher, -1, probability, fault);
        return this;
    }

    /**
     * How many rules can still fire (a {@code failNext} rule disappears when used up).
     *
     * @return the number of active rules
     */
    public int activeRules() {
        return registry.activeRules();
    }

    /**
     * Removes every fault rule and every {@link BisonSimulator#onServed trigger}.
     */
    public void clear() {
        registry.clear();
    }
}
