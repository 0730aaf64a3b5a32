package io.github.bisonbackfill.bison.simulator.internal;

import org.jspecify.annotations.Nullable;

import java.time.Duration;

/**
 * How a foreign switcher behaves. Internal: the public API is
 * {@code BisonSimulator.Builder#foreignSwitcher} and {@code SimulatedInstance#startForeignSwitcher}.
 *
 * @param mean        mean pause of the exponential mode (switches away only), {@code null} in bouncing mode
 * @param minInterval bouncing mode: shortest pause before each switch away, {@code null} in exponential mode
 * @param maxInterval bouncing mode: longest pause before each switch away
 * @param minBack     bouncing mode: shortest stay in the other workspace before switching back
 * @param maxBack     bouncing mode: longest stay in the other workspace before switching back
 */
public record SwitcherPlan(@Nullable Duration mean, @Nullable Duration minInterval, @Nullable Duration maxInterval,
                           @Nullable Duration minBack, @Nullable Duration maxBack) {

    /**
     * The original mode: switches to a random other workspace after exponentially distributed pauses.
     *
     * @param mean the mean pause, positive
     * @return the plan
     */
    public static SwitcherPlan exponential(Duration mean) {
        return new SwitcherPlan(mean, null, null, null, null);
    }

    /**
     * The bouncing mode: after a pause uniform in [minInterval, maxInterval] switches to a random other
     * workspace, and after a stay uniform in [minBack, maxBack] switches back to the workspace that was
     * current (latest requested) before; then pauses again.
     *
     * @param minInterval shortest pause, positive
     * @param maxInterval longest pause, not below {@code minInterval}
     * @param minBack     shortest stay, positive
     * @param maxBack     longest stay, not below {@code minBack}
     * @return the plan
     * @throws IllegalArgumentException on a non-positive or inverted range
     */
    public static SwitcherPlan bouncing(Duration minInterval, Duration maxInterval, Duration minBack,
                                        Duration maxBack) {
        check(minInterval, maxInterval, "foreign switcher interval");
        check(minBack, maxBack, "foreign switcher stay");
        return new SwitcherPlan(null, minInterval, maxInterval, minBack, maxBack);
    }

    /** @return whether this is the bouncing mode */
    public boolean bouncing() {
        return mean == null;
    }

    private static void check(Duration min, Duration max, String what) {
        if (min == null || max == null) {
            throw new NullPointerException(what);
        }
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException(what + " must satisfy 0 < min <= max, got " + min + ", " + max);
        }
    }
}
