package io.github.bisonbackfill.examples.bench;

import io.github.bisonbackfill.bison.simulator.Endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One strategy run over one workload: time, what the server saw, the rate-limit bound and what ended
 * up in the table.
 *
 * @param strategy          the strategy
 * @param clients           clients in the workload
 * @param pages             pages of interested replies in the workload
 * @param wall              wall time of the strategy's run (set-up and the audit excluded)
 * @param requests          requests the simulator received (429s included)
 * @param rateLimited       requests answered 429
 * @param byEndpoint        accepted (non-429) requests per endpoint
 * @param keys              distinct keys among the accepted requests
 * @param maxOnOneKey       accepted requests of the busiest key
 * @param bound             the least time the rate limits allow for the accepted requests (see
 *                          {@link #bound(long, int, long, double, double)})
 * @param rowsAcknowledged  rows the strategy's writes were acknowledged for
 * @param rowsInTable       rows in the table afterwards
 * @param expectedLeads     distinct interested leads of the workload (ground truth)
 * @param wrongRows         rows whose reply belongs to another workspace than the client they are filed under
 * @param missingLeads      ground-truth leads with no correctly attributed row
 * @param failedClients     clients the strategy itself reported as failed
 * @param notes             anything worth knowing (context violations recovered, stopped scans, ...)
 */
record RunResult(Strategy strategy, int clients, int pages, Duration wall, long requests, long rateLimited,
                 Map<Endpoint, Long> byEndpoint, int keys, long maxOnOneKey, Duration bound, long rowsAcknowledged,
                 long rowsInTable, long expectedLeads, long wrongRows, long missingLeads, int failedClients,
                 List<String> notes) {
    RunResult {
        byEndpoint = Map.copyOf(byEndpoint);
        notes = List.copyOf(notes);
    }

    /**
     * The least time a client obeying the rate limits needs for {@code accepted} requests: the requests
     * over the rate they can share (one key: the per-key rate; several keys: the smaller of keys × per-key
     * and the instance cap), and never less than the busiest key's requests over the per-key rate. Token
     * bucket bursts (one second's worth) are ignored.
     */
    static Duration bound(long accepted, int keys, long maxOnOneKey, double perKeyRate, double instanceRate) {
        double aggregate = Double.POSITIVE_INFINITY;
        if (perKeyRate > 0) {
            aggregate = keys * perKeyRate;
        }
        if (instanceRate > 0) {
            aggregate = Math.min(aggregate, instanceRate);
        }
        double seconds = accepted / aggregate;
        if (perKeyRate > 0) {
            seconds = Math.max(seconds, maxOnOneKey / perKeyRate);
        }
        return Double.isFinite(seconds) ? Duration.ofNanos((long) (seconds * 1e9)) : Duration.ZERO;
    }

    double wallSeconds() {
        return wall.toNanos() / 1e9;
    }

    double boundSeconds() {
        return bound.toNanos() / 1e9;
    }

    long accepted() {
        return requests - rateLimited;
    }
}
