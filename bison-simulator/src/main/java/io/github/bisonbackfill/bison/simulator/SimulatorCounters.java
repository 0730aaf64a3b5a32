package io.github.bisonbackfill.bison.simulator;

/**
 * A snapshot of the counters of one simulated instance (cumulative since start or the last
 * {@link SimulatedInstance#resetCounters()}).
 *
 * @param requests              every HTTP request received, whatever its outcome
 * @param rateLimited           responses with status 429 (rate limit and injected)
 * @param switchRequests        {@code POST .../switch-workspace} requests received (any outcome)
 * @param switchesAccepted      switches answered with 200 (the ones that will take effect)
 * @param foreignSwitches       switches made by the foreign switcher or
 *                              {@link SimulatedInstance#switchUserTo(long)} (not over HTTP)
 * @param faultsInjected        requests answered by an injected fault
 * @param keysMinted            api-user keys minted over HTTP or through the instance handle
 * @param maxConcurrentRequests the largest number of requests served at the same moment
 * @param repliesArrived        replies added by reply arrivals during scans
 *                              ({@link BisonSimulator.Builder#replyArrivals}), not by
 *                              {@link SimulatedInstance#addReplies(long, int)}
 */
public record SimulatorCounters(long requests, long rateLimited, long switchRequests, long switchesAccepted,
                                long foreignSwitches, long faultsInjected, long keysMinted,
                                int maxConcurrentRequests, long repliesArrived) {
}
