package io.github.bisonbackfill.bison.simulator.internal;

import java.time.Duration;
import java.util.Random;

/**
 * The random streams of a simulated instance: one per concern, each derived from the instance seed,
 * so that what one concern draws (or how often) never changes what another one draws. With requests
 * sent one after another, every stream's sequence of draws is the same on every run of a seed.
 *
 * <p>The generated data (replies, leads, the super-admin key's secret, replies added later) is the one
 * concern not listed here: {@link DataGenerator} draws it from {@code new Random(instanceSeed)}, the
 * stream it has always used, so a seed's data stays what it was.
 */
public enum RandomStream {
    /** Background faults: one draw per admitted request. */
    FAULTS(0x6661756c74730001L),
    /** {@code RetryAfterMode.MIXED}: one draw per 429. */
    RETRY_AFTER(0x7265747279410002L),
    /** Reply arrivals on page 1: one or two draws per page-1 serving. */
    ARRIVALS(0x6172726976610003L),
    /** The foreign switcher's pauses, targets and stays (a fresh stream on every start). */
    SWITCHER(0x7377697463680004L),
    /** The content of the bad-address replies (drawn once, at start). */
    BAD_ADDRESSES(0x6261646164640005L),
    /** Request latency: one draw per request when a latency range is set. */
    LATENCY(0x6c6174656e630006L),
    /** The lag of switches made over the API or with {@code switchUserTo}: one draw per switch. */
    SWITCH_LAG(0x6c61677377690007L),
    /** The lag of the foreign switcher's own switches (a fresh stream on every start). */
    SWITCHER_LAG(0x666c616773770008L),
    /** Programmed {@code failRandomly} rules: one draw per matching request and rule checked. */
    FAULT_RULES(0x72756c6573660009L),
    /** The secrets of keys minted after start. */
    KEYS(0x6b65797373650010L);

    private final long salt;

    RandomStream(long salt) {
        this.salt = salt;
    }

    /**
     * A new stream of this concern for one instance.
     *
     * @param instanceSeed the instance's seed
     * @return the stream, at its start
     */
    public Random of(long instanceSeed) {
        return new Random(mix(instanceSeed ^ salt));
    }

    /**
     * A fixed bijective scramble of a long (SplitMix64's finaliser): a stable pseudo-random key.
     *
     * @param z the value
     * @return its scramble
     */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * A duration uniform in [min, max], one draw from {@code random} (none when the range is empty).
     *
     * @param random the stream, locked while drawing
     * @param min    the lower bound
     * @param max    the upper bound
     * @return the duration
     */
    public static Duration uniform(Random random, Duration min, Duration max) {
        long span = max.toNanos() - min.toNanos();
        if (span <= 0) {
            return min;
        }
        double u;
        synchronized (random) {
            u = random.nextDouble();
        }
        return min.plusNanos((long) (u * span));
    }
}
