package io.github.bisonbackfill.bison.simulator.internal;

import io.github.bisonbackfill.bison.simulator.Fault;
import io.github.bisonbackfill.bison.simulator.RetryAfterMode;
import io.github.bisonbackfill.bison.simulator.SwitchVisibility;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;

/**
 * The immutable settings shared by every instance of one simulator. Internal: not part of the API.
 *
 * @param seed                    seed of every random choice
 * @param clock                   the clock for lag, rate limits, timestamps and new replies
 * @param switchLagMin            smallest propagation lag of a switch
 * @param switchLagMax            largest propagation lag of a switch
 * @param switchVisibility        what {@code GET /api/users} shows during the lag
 * @param latencyMin              smallest added latency per request
 * @param latencyMax              largest added latency per request
 * @param keyRatePerSecond        per-key sustained rate, {@code 0} for unlimited
 * @param keyBurst                per-key bucket capacity
 * @param instanceRatePerSecond   per-instance sustained rate, {@code 0} for unlimited
 * @param instanceBurst           per-instance bucket capacity
 * @param retryAfterMode          how 429s from the rate limiter announce the wait
 * @param foreignSwitcherInterval mean interval of the foreign switcher, {@code null} for none
 * @param dataAnchor              the "now" generated reply dates count back from
 * @param requestLogCapacity      the most entries the request log keeps (oldest dropped first)
 * @param backgroundFaults        faults drawn per admitted request with these exact probabilities (at
 *                                most one per request), empty for none; ordered
 * @param arrivalProbability      probability that serving page 1 of a workspace's replies adds new
 *                                interested replies to it, {@code 0} for never
 * @param arrivalMin              fewest replies such an arrival adds
 * @param arrivalMax              most replies such an arrival adds
 * @param badAddressReplies       interested untracked replies with an unusable from-address added to
 *                                every workspace at start, {@code 0} for none
 */
public record Settings(long seed, InstantSource clock, Duration switchLagMin, Duration switchLagMax,
                       SwitchVisibility switchVisibility, Duration latencyMin, Duration latencyMax,
                       double keyRatePerSecond, int keyBurst, double instanceRatePerSecond, int instanceBurst,
                       RetryAfterMode retryAfterMode, @Nullable Duration foreignSwitcherInterval, Instant dataAnchor,
                       int requestLogCapacity, Map<Fault, Double> backgroundFaults,
                       double arrivalProbability, int arrivalMin, int arrivalMax, int badAddressReplies) {
}
