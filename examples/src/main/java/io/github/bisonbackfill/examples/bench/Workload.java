package io.github.bisonbackfill.examples.bench;

import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.SwitchVisibility;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One benchmark's Email Bison side: the clients (one workspace each, a number of full pages of
 * interested replies), the simulator's latency and rate limits, and optionally the race.
 *
 * <p>Every {@link #start()} builds a fresh simulator from the same seed and data anchor, so each
 * strategy reads exactly the same replies, starting with full token buckets.
 *
 * @param pagesPerClient  pages of interested replies per client (15 replies a page); client {@code i}
 *                        is workspace {@code 101 + i}
 * @param otherReplies    not-interested replies per workspace (0 by default: the seed, which keeps
 *                        every reply it gets, then reads no more pages than the library)
 * @param latency         added to every response
 * @param perKeyRate      requests/s per key (burst the same), 0 = none
 * @param instanceRate    requests/s for all keys together (burst the same), 0 = none
 * @param race            the race, or {@code null} for none
 * @param seed            the simulator's data seed
 */
record Workload(List<Integer> pagesPerClient, int otherReplies, Duration latency, double perKeyRate,
                double instanceRate, Race race, long seed) {
    static final String INSTANCE = "main";
    static final int PAGE = 15;
    static final long FIRST_WORKSPACE = 101;
    private static final Instant ANCHOR = Instant.parse("2025-11-01T00:00:00Z");
    private static final String[] NAMES = {"O'Brien & Sons, LLC", "Café Ñandú", "Harbor Insurance, Inc.",
        "Müller-Lüdenscheidt GmbH", "Smith, Jones & Partners", "Łódź Logistics"};

    Workload {
        pagesPerClient = List.copyOf(pagesPerClient);
        Objects.requireNonNull(latency, "latency");
        if (pagesPerClient.isEmpty() || pagesPerClient.stream().anyMatch(p -> p < 1)) {
            throw new IllegalArgumentException("every client needs at least one page, got " + pagesPerClient);
        }
    }

    /**
     * The switch lag and the foreign switcher that make the seed's procedure attribute leads to the
     * wrong client.
     *
     * @param lagMin        shortest switch lag
     * @param lagMax        longest switch lag (uniform in between)
     * @param visibility    whether {@code GET /api/users} runs ahead of the data
     * @param foreignMean   mean pause between another actor's switches of the same user
     */
    record Race(Duration lagMin, Duration lagMax, SwitchVisibility visibility, Duration foreignMean) {
        @Override
        public String toString() {
            return "switch lag " + lagMin.toMillis() + "–" + lagMax.toMillis() + " ms (" + visibility
                    + "), a foreign switch every " + foreignMean.toMillis() / 1000.0 + " s on average";
        }
    }

    /** The same workload with the race on. */
    Workload withRace(Race race) {
        return new Workload(pagesPerClient, otherReplies, latency, perKeyRate, instanceRate, race, seed);
    }

    /** The same settings with other page counts. */
    Workload withPages(List<Integer> pages) {
        return new Workload(pages, otherReplies, latency, perKeyRate, instanceRate, race, seed);
    }

    int clients() {
        return pagesPerClient.size();
    }

    int totalPages() {
        return pagesPerClient.stream().mapToInt(Integer::intValue).sum();
    }

    long workspaceId(int client) {
        return FIRST_WORKSPACE + client;
    }

    /** Client names: hard ones (commas, apostrophes, accents), numbered beyond the first six. */
    String clientName(int client) {
        String base = NAMES[client % NAMES.length];
        return client < NAMES.length ? base : base + " #" + (client / NAMES.length + 1);
    }

    /** A fresh simulator with this workload (the caller closes it). */
    BisonSimulator start() {
        BisonSimulator.Builder b = BisonSimulator.builder().seed(seed).dataAnchor(ANCHOR)
                .requestLogCapacity(Math.max(BisonSimulator.DEFAULT_REQUEST_LOG_CAPACITY, totalPages() * 4))
                .latency(latency)
                .instance(INSTANCE, i -> {
                    for (int c = 0; c < clients(); c++) {
                        i.workspace(workspaceId(c), clientName(c), pagesPerClient.get(c) * PAGE, otherReplies);
                    }
                    if (race != null) {
                        i.foreignSwitcher(race.foreignMean());
                    }
                });
        if (perKeyRate > 0) {
            b.rateLimitPerKey(perKeyRate);
        }
        if (instanceRate > 0) {
            b.rateLimitPerInstance(instanceRate);
        }
        if (race != null) {
            b.switchLag(race.lagMin(), race.lagMax()).switchVisibility(race.visibility());
        }
        return b.start();
    }

    /** One line for the report. */
    String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(clients() + " clients, " + totalPages() + " pages of " + PAGE + " interested replies "
                + (clients() <= 12 ? pagesPerClient : "(" + pagesPerClient.subList(0, 6) + " repeated)"));
        if (otherReplies > 0) {
            parts.add(otherReplies + " other replies per workspace");
        }
        parts.add("latency " + latency.toMillis() + " ms");
        parts.add("rate limit " + fmtRate(perKeyRate) + "/key, " + fmtRate(instanceRate) + "/instance");
        parts.add(race == null ? "no race" : "race: " + race);
        return String.join("; ", parts);
    }

    private static String fmtRate(double r) {
        return r <= 0 ? "none" : (r == Math.rint(r) ? String.valueOf((long) r) : String.valueOf(r)) + " req/s";
    }
}
