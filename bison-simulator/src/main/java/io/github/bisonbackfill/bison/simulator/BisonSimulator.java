package io.github.bisonbackfill.bison.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bisonbackfill.bison.internal.DaemonThreads;
import io.github.bisonbackfill.bison.simulator.internal.DataGenerator;
import io.github.bisonbackfill.bison.simulator.internal.FaultRegistry;
import io.github.bisonbackfill.bison.simulator.internal.InstanceServer;
import io.github.bisonbackfill.bison.simulator.internal.InstanceState;
import io.github.bisonbackfill.bison.simulator.internal.RequestLog;
import io.github.bisonbackfill.bison.simulator.internal.Settings;
import io.github.bisonbackfill.bison.simulator.internal.SwitcherPlan;
import io.github.bisonbackfill.bison.simulator.internal.WorkspaceSpec;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A programmable, in-process Email Bison server for tests and demos: several instances on their own
 * loopback ports, workspaces with hostile names, replies generated deterministically from a seed,
 * super-admin and api-user keys, a per-user current workspace with switch propagation lag, a foreign
 * switcher, rate limits, latency, injected faults and a request log.
 *
 * <pre>{@code
 * try (BisonSimulator sim = BisonSimulator.builder()
 *         .seed(7)
 *         .instance("main", i -> i
 *             .workspace(37, "O'Brien & Sons, LLC", 40, 25)
 *             .workspace(12, "Café Ñandú", 8, 3))
 *         .switchLag(Duration.ofMillis(50), Duration.ofMillis(400))
 *         .start()) {
 *     SimulatedInstance main = sim.instance("main");
 *     String baseUrl = main.baseUrl();          // http://127.0.0.1:<port>, endpoints under /api
 *     String key = main.superAdminKey();        // "1|..."
 *     List<Reply> truth = main.interestedReplies(37);
 * }
 * }</pre>
 *
 * <p>Thread-safe: the server serves requests concurrently and every method may be called while it
 * does. {@link #close()} stops every instance and the foreign switchers.
 */
public final class BisonSimulator implements AutoCloseable {

    /** Default seed of all generated data and random choices. */
    public static final long DEFAULT_SEED = 42L;
    /** Default switch propagation lag: none (a switch takes effect at once). */
    public static final Duration DEFAULT_SWITCH_LAG = Duration.ZERO;
    /** Default visibility of a switch in progress: {@link SwitchVisibility#CONSISTENT}. */
    public static final SwitchVisibility DEFAULT_SWITCH_VISIBILITY = SwitchVisibility.CONSISTENT;
    /** Default latency added to each request: none. */
    public static final Duration DEFAULT_LATENCY = Duration.ZERO;
    /** Default {@code Retry-After} mode of rate-limit 429s: {@link RetryAfterMode#SECONDS}. */
    public static final RetryAfterMode DEFAULT_RETRY_AFTER_MODE = RetryAfterMode.SECONDS;
    /** Default capacity of the request log (oldest entries dropped beyond it). */
    public static final int DEFAULT_REQUEST_LOG_CAPACITY = 100_000;
    /** Default interested replies of a workspace added without counts. */
    public static final int DEFAULT_INTERESTED_REPLIES = 20;
    /** Default other (not interested) replies of a workspace added without counts. */
    public static final int DEFAULT_OTHER_REPLIES = 10;
    /** Default super-admin user of every instance (the same id everywhere: ids collide). */
    public static final SimulatedUser DEFAULT_SUPER_ADMIN = new SimulatedUser(1, "Agency Admin", "admin@agency.example");
    /** Name of the instance created when the builder names none. */
    public static final String DEFAULT_INSTANCE = "main";
    /** Default background faults: none (see {@link Builder#backgroundFault(Fault, double)}). */
    public static final Map<Fault, Double> DEFAULT_BACKGROUND_FAULTS = Map.of();
    /** Default probability of replies arriving when page 1 of a workspace's replies is served: never. */
    public static final double DEFAULT_REPLY_ARRIVAL_PROBABILITY = 0;
    /** Default interested replies with an unusable from-address per workspace: none. */
    public static final int DEFAULT_BAD_ADDRESS_REPLIES = 0;
    /**
     * Default name pool of {@link InstanceBuilder#generatedWorkspaces}: names that break naive CSV,
     * SQL or URL handling ({@code "O'Brien & Sons, LLC"}, {@code "Café Ñandú"}, quotes, a backslash...).
     */
    public static final List<String> DEFAULT_GENERATED_WORKSPACE_NAMES = DataGenerator.HARD_WORKSPACE_NAMES;

    /** {@link Builder#productionFaults()}: probability of HTTP 500 {@code {"message": "Server Error"}}. */
    public static final double PRODUCTION_SERVER_ERROR_PROBABILITY = 0.01;
    /** {@link Builder#productionFaults()}: probability of a connection closed before any response. */
    public static final double PRODUCTION_DROPPED_CONNECTION_PROBABILITY = 0.005;
    /** {@link Builder#productionFaults()}: probability of a 200 whose JSON body is cut short. */
    public static final double PRODUCTION_TRUNCATED_JSON_PROBABILITY = 0.005;
    /** {@link Builder#productionFaults()}: probability of an answer {@link #PRODUCTION_SLOW_RESPONSE_DELAY} late. */
    public static final double PRODUCTION_SLOW_RESPONSE_PROBABILITY = 0.003;
    /** {@link Builder#productionFaults()}: how late a slow answer comes. */
    public static final Duration PRODUCTION_SLOW_RESPONSE_DELAY = Duration.ofSeconds(3);
    /** {@link Builder#productionFaults()}: per-key token bucket rate, requests per second. */
    public static final double PRODUCTION_RATE_PER_KEY = 40;
    /** {@link Builder#productionFaults()}: per-key token bucket capacity. */
    public static final int PRODUCTION_BURST_PER_KEY = 10;
    /** {@link Builder#productionFaults()}: shortest switch lag. */
    public static final Duration PRODUCTION_SWITCH_LAG_MIN = Duration.ofMillis(200);
    /** {@link Builder#productionFaults()}: longest switch lag. */
    public static final Duration PRODUCTION_SWITCH_LAG_MAX = Duration.ofMillis(1500);
    /** {@link Builder#productionFaults()}: shortest pause of the foreign switcher before switching away. */
    public static final Duration PRODUCTION_SWITCHER_MIN_INTERVAL = Duration.ofSeconds(1);
    /** {@link Builder#productionFaults()}: longest pause of the foreign switcher before switching away. */
    public static final Duration PRODUCTION_SWITCHER_MAX_INTERVAL = Duration.ofSeconds(5);
    /** {@link Builder#productionFaults()}: shortest stay of the foreign switcher before switching back. */
    public static final Duration PRODUCTION_SWITCHER_MIN_BACK = Duration.ofMillis(500);
    /** {@link Builder#productionFaults()}: longest stay of the foreign switcher before switching back. */
    public static final Duration PRODUCTION_SWITCHER_MAX_BACK = Duration.ofSeconds(3);
    /** {@link Builder#productionFaults()}: probability that serving page 1 of a workspace's replies adds new ones. */
    public static final double PRODUCTION_REPLY_ARRIVAL_PROBABILITY = 0.05;
    /** {@link Builder#productionFaults()}: fewest replies one arrival adds. */
    public static final int PRODUCTION_REPLY_ARRIVAL_MIN = 1;
    /** {@link Builder#productionFaults()}: most replies one arrival adds. */
    public static final int PRODUCTION_REPLY_ARRIVAL_MAX = 3;
    /** {@link Builder#productionFaults()}: interested replies with an unusable from-address per workspace. */
    public static final int PRODUCTION_BAD_ADDRESS_REPLIES = 3;
    /**
     * {@link Builder#productionFaults()}: the generated-name pool, {@link #DEFAULT_GENERATED_WORKSPACE_NAMES}
     * with {@code "Café Ñandú"} replaced by {@code "Café Ñandú (50%+)"} (workspace 2 of a generated
     * instance gets it; {@code "O'Brien & Sons, LLC"} stays workspace 1).
     */
    public static final List<String> PRODUCTION_WORKSPACE_NAMES = DataGenerator.PRODUCTION_WORKSPACE_NAMES;

    private final Map<String, SimulatedInstance> instances = new LinkedHashMap<>();
    private final Faults faults;
    private final FaultRegistry faultRegistry;
    private final RequestLog requestLog;
    private final ExecutorService executor;

    private BisonSimulator(Builder b) {
        Instant anchor = b.dataAnchor != null ? b.dataAnchor : b.clock.instant().truncatedTo(ChronoUnit.DAYS);
        Settings settings = new Settings(b.seed, b.clock, b.lagMin, b.lagMax, b.visibility, b.latencyMin,
                b.latencyMax, b.keyRate, b.keyBurst, b.instanceRate, b.instanceBurst, b.retryAfterMode,
                b.foreignSwitcher == null ? null : b.foreignSwitcher.mean(), anchor, b.requestLogCapacity,
                Collections.unmodifiableMap(new LinkedHashMap<>(b.backgroundFaults)), b.arrivalProbability,
                b.arrivalMin, b.arrivalMax, b.badAddressReplies);
        this.faultRegistry = new FaultRegistry();
        this.faults = new Faults(faultRegistry);
        this.requestLog = new RequestLog(b.requestLogCapacity);
        this.executor = Executors.newCachedThreadPool(DaemonThreads.named("bison-sim"));
        ObjectMapper mapper = new ObjectMapper();
        Map<String, InstanceBuilder> specs = b.instances.isEmpty()
                ? Map.of(DEFAULT_INSTANCE, new InstanceBuilder().generatedWorkspaces(3, DEFAULT_INTERESTED_REPLIES,
                        DEFAULT_OTHER_REPLIES))
                : b.instances;
        int index = 0;
        try {
            for (Map.Entry<String, InstanceBuilder> e : specs.entrySet()) {
                InstanceBuilder ib = e.getValue();
                if (ib.workspaces.isEmpty()) {
                    ib.generatedWorkspaces(3, DEFAULT_INTERESTED_REPLIES, DEFAULT_OTHER_REPLIES);
                }
                // Different data per instance, but ids numbered from the same bases: they collide.
                long seed = b.seed * 1_000_003L + (index++) * 7919L;
                InstanceState state = new InstanceState(e.getKey(), seed, settings, ib.user,
                        ib.specs(b.generatedNames));
                InstanceServer server = new InstanceServer(state, faultRegistry, requestLog, mapper, executor);
                SimulatedInstance instance = new SimulatedInstance(state, server, this);
                instances.put(e.getKey(), instance);
                SwitcherPlan fs = ib.foreignSwitcher != null ? ib.foreignSwitcher : b.foreignSwitcher;
                if (fs != null) {
                    state.startForeignSwitcher(fs);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * A new builder with every setting at its {@code DEFAULT_*}.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * One instance by name.
     *
     * @param name the instance name
     * @return the instance
     * @throws IllegalArgumentException if there is no such instance
     */
    public SimulatedInstance instance(String name) {
        SimulatedInstance i = instances.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no simulated instance named '" + name + "'; instances: "
                    + instances.keySet());
        }
        return i;
    }

    /**
     * The first (or only) instance.
     *
     * @return the instance
     */
    public SimulatedInstance instance() {
        return instances.values().iterator().next();
    }

    /**
     * Every instance, in the order they were configured.
     *
     * @return the instances
     */
    public List<SimulatedInstance> instances() {
        return List.copyOf(instances.values());
    }

    /**
     * The base URL of an instance, {@code http://127.0.0.1:<port>} (without {@code /api}).
     *
     * @param instance the instance name
     * @return the base URL
     * @throws IllegalArgumentException if there is no such instance
     */
    public String baseUrl(String instance) {
        return instance(instance).baseUrl();
    }

    /**
     * The fault programme shared by all instances.
     *
     * @return the faults
     */
    public Faults faults() {
        return faults;
    }

    /**
     * Runs {@code action} once, the next time a matching request is served, just before its response
     * is written (so the client's next request already sees the effect). Typical use: add replies
     * after page 2 of a scan.
     *
     * <pre>{@code
     * sim.onServed(RequestMatcher.repliesPage(2).onWorkspace(37), () -> main.addReplies(37, 5));
     * }</pre>
     *
     * @param matcher which request
     * @param action  what to run; exceptions it throws drop the connection of that request
     */
    public void onServed(RequestMatcher matcher, Runnable action) {
        onServed(matcher, 1, action);
    }

    /**
     * Runs {@code action} for each of the next {@code times} matching served requests.
     *
     * @param matcher which requests
     * @param times   how many times, at least 1
     * @param action  what to run
     * @throws IllegalArgumentException if {@code times} is below 1
     */
    public void onServed(RequestMatcher matcher, int times, Runnable action) {
        Objects.requireNonNull(matcher, "matcher");
        Objects.requireNonNull(action, "action");
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, got " + times);
        }
        faultRegistry.addTrigger(matcher, times, action);
    }

    /**
     * Every logged request of every instance, oldest first (at most the configured capacity).
     *
     * @return a snapshot
     */
    public List<RecordedRequest> requestLog() {
        return requestLog.snapshot();
    }

    /** Empties the request log. */
    public void clearRequestLog() {
        requestLog.clear();
    }

    /**
     * Stops the foreign switchers and every instance's server; requests in progress are cut.
     * Idempotent.
     */
    @Override
    public void close() {
        for (SimulatedInstance i : instances.values()) {
            i.close();
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "BisonSimulator" + instances.values();
    }

    /**
     * Configures the workspaces and super-admin user of one instance (see
     * {@link Builder#instance(String, Consumer)}). Not thread-safe.
     */
    public static final class InstanceBuilder {
        private final List<WorkspaceSpec> workspaces = new ArrayList<>();
        /** Ids of the workspaces {@link #generatedWorkspaces} added: their names come from the pool. */
        private final Set<Long> generatedIds = new HashSet<>();
        private SimulatedUser user = DEFAULT_SUPER_ADMIN;
        private @Nullable SwitcherPlan foreignSwitcher;

        InstanceBuilder() {
        }

        /**
         * Sets the super-admin user. Default {@link BisonSimulator#DEFAULT_SUPER_ADMIN}.
         *
         * @param id    user id
         * @param name  user name
         * @param email user email
         * @return this
         */
        public InstanceBuilder superAdmin(long id, String name, String email) {
            this.user = new SimulatedUser(id, name, email);
            return this;
        }

        /**
         * Adds a workspace with {@link #DEFAULT_INTERESTED_REPLIES} interested and
         * {@link #DEFAULT_OTHER_REPLIES} other replies.
         *
         * @param id   workspace id
         * @param name workspace name
         * @return this
         */
        public InstanceBuilder workspace(long id, String name) {
            return workspace(id, name, DEFAULT_INTERESTED_REPLIES, DEFAULT_OTHER_REPLIES);
        }

        /**
         * Adds a workspace with generated replies. The first workspace added is the super-admin
         * user's current workspace at start.
         *
         * @param id              workspace id, positive
         * @param name            workspace name (any text, e.g. {@code "O'Brien & Sons, LLC"})
         * @param interestedCount interested replies to generate, not negative
         * @param otherCount      not-interested replies (about a third automated), not negative
         * @return this
         * @throws IllegalArgumentException on a non-positive id or negative count
         */
        public InstanceBuilder workspace(long id, String name, int interestedCount, int otherCount) {
            Objects.requireNonNull(name, "name");
            if (id <= 0) {
                throw new IllegalArgumentException("workspace id must be positive, got " + id);
            }
            if (interestedCount < 0 || otherCount < 0) {
                throw new IllegalArgumentException("reply counts must not be negative");
            }
            workspaces.add(new WorkspaceSpec(id, name, interestedCount, otherCount));
            return this;
        }

        /**
         * Adds {@code count} workspaces with ids following the largest so far (from 1) and hard
         * realistic names (commas, accents, apostrophes, {@code &}, quotes).
         *
         * @param count           how many
         * @param interestedEach  interested replies of each
         * @param otherEach       other replies of each
         * @return this
         */
        public InstanceBuilder generatedWorkspaces(int count, int interestedEach, int otherEach) {
            long next = workspaces.stream().mapToLong(WorkspaceSpec::id).max().orElse(0) + 1;
            for (int i = 0; i < count; i++) {
                long id = next + i;
                workspace(id, generatedName(DEFAULT_GENERATED_WORKSPACE_NAMES, id), interestedEach, otherEach);
                generatedIds.add(id);
            }
            return this;
        }

        /** The name of generated workspace {@code id}: the pool cycled, numbered after the first round. */
        private static String generatedName(List<String> names, long id) {
            int n = (int) ((id - 1) % names.size());
            return names.get(n) + (id > names.size() ? " " + (id - 1) / names.size() : "");
        }

        /** The workspaces to create, generated ones named from {@code pool}. */
        private List<WorkspaceSpec> specs(List<String> pool) {
            if (pool.equals(DEFAULT_GENERATED_WORKSPACE_NAMES)) {
                return workspaces;
            }
            List<WorkspaceSpec> out = new ArrayList<>(workspaces.size());
            for (WorkspaceSpec s : workspaces) {
                out.add(generatedIds.contains(s.id())
                        ? new WorkspaceSpec(s.id(), generatedName(pool, s.id()), s.interested(), s.other()) : s);
            }
            return out;
        }

        /**
         * Runs a foreign switcher on this instance from start (overrides
         * {@link Builder#foreignSwitcher(Duration)}).
         *
         * @param meanInterval mean pause between foreign switches, positive
         * @return this
         */
        public InstanceBuilder foreignSwitcher(Duration meanInterval) {
            this.foreignSwitcher = SwitcherPlan.exponential(positive(meanInterval, "meanInterval"));
            return this;
        }

        /**
         * Runs a bouncing foreign switcher on this instance from start (overrides the builder-wide
         * one): see {@link Builder#foreignSwitcher(Duration, Duration, Duration, Duration)}.
         *
         * @param minInterval shortest pause before a switch away, positive
         * @param maxInterval longest pause, not below {@code minInterval}
         * @param minBack     shortest stay before switching back, positive
         * @param maxBack     longest stay, not below {@code minBack}
         * @return this
         * @throws IllegalArgumentException on a non-positive or inverted range
         */
        public InstanceBuilder foreignSwitcher(Duration minInterval, Duration maxInterval, Duration minBack,
                                               Duration maxBack) {
            this.foreignSwitcher = SwitcherPlan.bouncing(minInterval, maxInterval, minBack, maxBack);
            return this;
        }
    }

    /** Builds a {@link BisonSimulator}. Not thread-safe. */
    public static final class Builder {
        private long seed = DEFAULT_SEED;
        private InstantSource clock = InstantSource.system();
        private @Nullable Instant dataAnchor;
        private final Map<String, InstanceBuilder> instances = new LinkedHashMap<>();
        private Duration lagMin = DEFAULT_SWITCH_LAG;
        private Duration lagMax = DEFAULT_SWITCH_LAG;
        private SwitchVisibility visibility = DEFAULT_SWITCH_VISIBILITY;
        private Duration latencyMin = DEFAULT_LATENCY;
        private Duration latencyMax = DEFAULT_LATENCY;
        private double keyRate;
        private int keyBurst;
        private double instanceRate;
        private int instanceBurst;
        private RetryAfterMode retryAfterMode = DEFAULT_RETRY_AFTER_MODE;
        private @Nullable SwitcherPlan foreignSwitcher;
        private int requestLogCapacity = DEFAULT_REQUEST_LOG_CAPACITY;
        private final Map<Fault, Double> backgroundFaults = new LinkedHashMap<>(DEFAULT_BACKGROUND_FAULTS);
        private double arrivalProbability = DEFAULT_REPLY_ARRIVAL_PROBABILITY;
        private int arrivalMin = 1;
        private int arrivalMax = 1;
        private int badAddressReplies = DEFAULT_BAD_ADDRESS_REPLIES;
        private List<String> generatedNames = DEFAULT_GENERATED_WORKSPACE_NAMES;

        Builder() {
        }

        /**
         * Seeds all generated data, lags, latencies, key secrets, random faults, {@code Retry-After}
         * choices, reply arrivals and the foreign switcher's choices: one stream per concern and
         * instance, each derived from this seed, so that one concern never shifts another's draws.
         * With requests sent one after another (and a settable {@link #clock(InstantSource)}, no
         * foreign switcher thread), two runs of a seed serve identical responses. Default
         * {@link #DEFAULT_SEED}.
         *
         * @param seed the seed
         * @return this
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The clock for switch lag, rate-limit buckets, log timestamps and new replies' dates.
         * Default the system clock; tests pass a settable clock to make lag and rate limits
         * deterministic (request latency and slow faults still sleep for real).
         *
         * @param clock the clock
         * @return this
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The moment generated reply dates count back from (they spread over the 180 days before).
         * Default: the clock's current day at 00:00 UTC. Fix it for data identical across runs.
         *
         * @param anchor the anchor
         * @return this
         */
        public Builder dataAnchor(Instant anchor) {
            this.dataAnchor = Objects.requireNonNull(anchor, "anchor");
            return this;
        }

        /**
         * Adds an instance (its own loopback port, its own keys and ids, numbered from the same bases
         * as every other instance). Without any, one instance {@link #DEFAULT_INSTANCE} with three
         * generated workspaces is created; an instance without workspaces gets three generated ones.
         *
         * @param name instance name (unique)
         * @param spec configures its workspaces and user
         * @return this
         * @throws IllegalArgumentException if the name is already used
         */
        public Builder instance(String name, Consumer<InstanceBuilder> spec) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(spec, "spec");
            if (instances.containsKey(name)) {
                throw new IllegalArgumentException("instance '" + name + "' is already configured");
            }
            InstanceBuilder ib = new InstanceBuilder();
            spec.accept(ib);
            instances.put(name, ib);
            return this;
        }

        /**
         * A fixed switch propagation lag: the user's current workspace changes this long after the
         * switch is answered. Default {@link #DEFAULT_SWITCH_LAG}.
         *
         * @param lag the lag, not negative
         * @return this
         */
        public Builder switchLag(Duration lag) {
            return switchLag(lag, lag);
        }

        /**
         * A random switch lag, uniform in [min, max], drawn from the instance's switch-lag stream (the
         * foreign switcher's switches from a lag stream of their own). Switches take effect in the
         * order they were made.
         *
         * @param min smallest lag, not negative
         * @param max largest lag, not below {@code min}
         * @return this
         * @throws IllegalArgumentException on a negative or inverted range
         */
        public Builder switchLag(Duration min, Duration max) {
            range(min, max, "switchLag");
            this.lagMin = min;
            this.lagMax = max;
            return this;
        }

        /**
         * What {@code GET /api/users} shows during the lag. Default {@link #DEFAULT_SWITCH_VISIBILITY};
         * {@link SwitchVisibility#USERS_FIRST} is the harsh mode.
         *
         * @param visibility the mode
         * @return this
         */
        public Builder switchVisibility(SwitchVisibility visibility) {
            this.visibility = Objects.requireNonNull(visibility, "visibility");
            return this;
        }

        /**
         * A fixed latency added to every request (a real sleep on the server). Default none.
         *
         * @param latency the latency, not negative
         * @return this
         */
        public Builder latency(Duration latency) {
            return latency(latency, latency);
        }

        /**
         * A random latency, uniform in [min, max], drawn from the instance's latency stream.
         *
         * @param min smallest, not negative
         * @param max largest, not below {@code min}
         * @return this
         */
        public Builder latency(Duration min, Duration max) {
            range(min, max, "latency");
            this.latencyMin = min;
            this.latencyMax = max;
            return this;
        }

        /**
         * A per-key rate limit: a token bucket of {@code requestsPerSecond} tokens refilled at that
         * rate; a request without a token gets 429. Default unlimited.
         *
         * @param requestsPerSecond sustained rate, positive
         * @return this
         */
        public Builder rateLimitPerKey(double requestsPerSecond) {
            return rateLimitPerKey(requestsPerSecond, (int) Math.max(1, Math.ceil(requestsPerSecond)));
        }

        /**
         * A per-key rate limit with an explicit burst capacity.
         *
         * @param requestsPerSecond sustained rate, positive
         * @param burst             bucket capacity, at least 1
         * @return this
         */
        public Builder rateLimitPerKey(double requestsPerSecond, int burst) {
            rate(requestsPerSecond, burst);
            this.keyRate = requestsPerSecond;
            this.keyBurst = burst;
            return this;
        }

        /**
         * An instance-wide rate limit over all keys (checked together with the per-key one: a request
         * takes a token from both or from neither). Default unlimited.
         *
         * @param requestsPerSecond sustained rate, positive
         * @return this
         */
        public Builder rateLimitPerInstance(double requestsPerSecond) {
            return rateLimitPerInstance(requestsPerSecond, (int) Math.max(1, Math.ceil(requestsPerSecond)));
        }

        /**
         * An instance-wide rate limit with an explicit burst capacity.
         *
         * @param requestsPerSecond sustained rate, positive
         * @param burst             bucket capacity, at least 1
         * @return this
         */
        public Builder rateLimitPerInstance(double requestsPerSecond, int burst) {
            rate(requestsPerSecond, burst);
            this.instanceRate = requestsPerSecond;
            this.instanceBurst = burst;
            return this;
        }

        /**
         * How rate-limit 429s announce the wait. Default {@link #DEFAULT_RETRY_AFTER_MODE}.
         *
         * @param mode the mode
         * @return this
         */
        public Builder retryAfter(RetryAfterMode mode) {
            this.retryAfterMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Runs a foreign switcher on every instance from start: another actor switching the same
         * super-admin user to random other workspaces, pauses exponentially distributed with this
         * mean. Default none.
         *
         * @param meanInterval mean pause, positive
         * @return this
         */
        public Builder foreignSwitcher(Duration meanInterval) {
            this.foreignSwitcher = SwitcherPlan.exponential(positive(meanInterval, "meanInterval"));
            return this;
        }

        /**
         * Runs a bouncing foreign switcher on every instance from start: another actor that, after a
         * pause uniform in [{@code minInterval}, {@code maxInterval}], switches the super-admin user to
         * a random other workspace and, after a stay uniform in [{@code minBack}, {@code maxBack}],
         * switches it back to the workspace that was current (the latest switch's target) before; then
         * pauses again. Its switches go through the switch lag and count as foreign switches. Its
         * draws come from streams of its own seeded from the simulator seed (per instance): one for
         * pauses and targets, one for its switches' lags. Replaces {@link #foreignSwitcher(Duration)}; an instance's own setting wins.
         *
         * @param minInterval shortest pause before a switch away, positive
         * @param maxInterval longest pause, not below {@code minInterval}
         * @param minBack     shortest stay before switching back, positive
         * @param maxBack     longest stay, not below {@code minBack}
         * @return this
         * @throws IllegalArgumentException on a non-positive or inverted range
         */
        public Builder foreignSwitcher(Duration minInterval, Duration maxInterval, Duration minBack,
                                       Duration maxBack) {
            this.foreignSwitcher = SwitcherPlan.bouncing(minInterval, maxInterval, minBack, maxBack);
            return this;
        }

        /**
         * No builder-wide foreign switcher (the default; undoes a preset's). Instances configured with
         * their own still run theirs.
         *
         * @return this
         */
        public Builder noForeignSwitcher() {
            this.foreignSwitcher = null;
            return this;
        }

        /**
         * Adds a background fault: every authenticated request that passes the rate limit is answered
         * with {@code fault} with this probability, on every instance, endpoint and key, whatever the
         * programmed {@link BisonSimulator#faults() faults} say (a matching programmed rule takes precedence; a
         * {@link Faults#clear()} does not remove background faults). Background faults are mutually
         * exclusive: one uniform draw per request, from a stream seeded from the simulator seed (per
         * instance), picks at most one, so each fault's probability is exactly the one given (unlike
         * several {@link Faults#failRandomly} rules, where a later rule only sees the requests earlier
         * ones spared). Adding the same {@code Fault} instance again replaces its probability.
         * Default {@link #DEFAULT_BACKGROUND_FAULTS}.
         *
         * @param fault       the fault
         * @param probability in (0, 1]; the probabilities of all background faults must add up to at most 1
         * @return this
         * @throws IllegalArgumentException if {@code probability} is outside (0, 1] or the sum exceeds 1
         */
        public Builder backgroundFault(Fault fault, double probability) {
            Objects.requireNonNull(fault, "fault");
            if (!(probability > 0 && probability <= 1)) {
                throw new IllegalArgumentException("probability must be in (0, 1], got " + probability);
            }
            double others = backgroundFaults.entrySet().stream().filter(e -> e.getKey() != fault)
                    .mapToDouble(Map.Entry::getValue).sum();
            if (others + probability > 1 + 1e-12) {
                throw new IllegalArgumentException("background fault probabilities must add up to at most 1, got "
                        + (others + probability));
            }
            backgroundFaults.put(fault, probability);
            return this;
        }

        /**
         * Removes every background fault (undoes a preset's).
         *
         * @return this
         */
        public Builder noBackgroundFaults() {
            backgroundFaults.clear();
            return this;
        }

        /**
         * Replies arriving during scans: each time page 1 of a workspace's replies is served (status
         * 200, any filters), with {@code probability} between {@code min} and {@code max} (uniform)
         * new interested replies are added to that workspace before the page is written, as
         * {@link SimulatedInstance#addReplies(long, int)} does (ground truth updated; later pages shift;
         * counted in {@link SimulatorCounters#repliesArrived()}). Draws come from a stream seeded from
         * the simulator seed (per instance); the new replies' content from the data generator. Default
         * {@link #DEFAULT_REPLY_ARRIVAL_PROBABILITY} (never).
         *
         * @param probability in [0, 1]; 0 turns arrivals off
         * @param min         fewest replies per arrival, at least 1
         * @param max         most replies per arrival, not below {@code min}
         * @return this
         * @throws IllegalArgumentException on a probability outside [0, 1] or a bad range
         */
        public Builder replyArrivals(double probability, int min, int max) {
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("probability must be in [0, 1], got " + probability);
            }
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("replyArrivals must satisfy 1 <= min <= max, got " + min + ", " + max);
            }
            this.arrivalProbability = probability;
            this.arrivalMin = min;
            this.arrivalMax = max;
            return this;
        }

        /**
         * Adds {@code perWorkspace} interested, untracked replies ({@code lead} and {@code lead_id} null)
         * to every workspace at start, whose {@code from_email_address} is unusable, cycling through: blank
         * {@code ""}, missing (the key absent), {@code "not-an-email"}, {@code "   "},
         * {@code "jane.doe@"}, {@code "@example.com"}. They are the newest replies at start (ids above
         * the generated ones, dates just before the data anchor); their content comes from a stream of
         * their own, so the other generated replies stay as they were (only reply ids assigned later
         * move up). Ground truth: {@link SimulatedInstance#interestedReplies(long)} includes them,
         * {@link SimulatedInstance#interestedEmails(long)} does not (see
         * {@link SimulatedInstance#isUsableEmail(String)}). Default {@link #DEFAULT_BAD_ADDRESS_REPLIES}.
         *
         * @param perWorkspace how many per workspace, not negative; 0 for none
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder badAddressReplies(int perWorkspace) {
            if (perWorkspace < 0) {
                throw new IllegalArgumentException("badAddressReplies must not be negative, got " + perWorkspace);
            }
            this.badAddressReplies = perWorkspace;
            return this;
        }

        /**
         * The name pool {@link InstanceBuilder#generatedWorkspaces} cycles through (workspace id 1 gets
         * the first name, ...; numbered after a full round), for every instance, whenever it was
         * called. Default {@link #DEFAULT_GENERATED_WORKSPACE_NAMES};
         * {@link #PRODUCTION_WORKSPACE_NAMES} is the production preset's.
         *
         * @param names at least one name
         * @return this
         * @throws IllegalArgumentException if empty
         */
        public Builder generatedWorkspaceNames(List<String> names) {
            Objects.requireNonNull(names, "names");
            if (names.isEmpty()) {
                throw new IllegalArgumentException("generatedWorkspaceNames needs at least one name");
            }
            this.generatedNames = List.copyOf(names);
            return this;
        }

        /**
         * The most request-log entries kept. Default {@link #DEFAULT_REQUEST_LOG_CAPACITY}.
         *
         * @param capacity at least 1
         * @return this
         */
        public Builder requestLogCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("requestLogCapacity must be at least 1");
            }
            this.requestLogCapacity = capacity;
            return this;
        }

        /**
         * A hostile preset: switch lag uniform in [0, 1 s] with {@link SwitchVisibility#USERS_FIRST},
         * latency 2-20 ms, and a foreign switcher every 3 s on average. Later calls override parts.
         *
         * @return this
         */
        public Builder hostile() {
            switchLag(Duration.ZERO, Duration.ofSeconds(1));
            switchVisibility(SwitchVisibility.USERS_FIRST);
            latency(Duration.ofMillis(2), Duration.ofMillis(20));
            foreignSwitcher(Duration.ofSeconds(3));
            return this;
        }

        /**
         * The production preset: the fault mix a production Email Bison was measured to produce
         * (issue 10), on every instance, endpoint and key. Each number is a {@code PRODUCTION_*}
         * constant:
         * <ul>
         *   <li>background faults, mutually exclusive, exact probabilities: 1 % HTTP 500
         *       {@code {"message": "Server Error"}}, 0.5 % connection closed before any response,
         *       0.5 % HTTP 200 with the JSON body cut short, 0.3 % the normal answer 3 s late;</li>
         *   <li>a per-key token bucket of 40 requests/s, burst 10; its 429s carry {@code Retry-After: 1}
         *       (the seconds until a token, rounded up) or no {@code Retry-After}, half and half
         *       ({@link RetryAfterMode#MIXED});</li>
         *   <li>switch lag uniform in [0.2 s, 1.5 s] with {@link SwitchVisibility#USERS_FIRST};</li>
         *   <li>a bouncing foreign switcher: every 1–5 s to a random other workspace, back after
         *       0.5–3 s;</li>
         *   <li>replies arriving during 5 % of scans: 1–3 new interested replies when page 1 is served;</li>
         *   <li>3 interested replies per workspace with a blank, missing or invalid from-address;</li>
         *   <li>generated workspace names from {@link #PRODUCTION_WORKSPACE_NAMES}
         *       ({@code "O'Brien & Sons, LLC"}, {@code "Café Ñandú (50%+)"}, ...).</li>
         * </ul>
         * Every random choice comes from its own stream seeded from {@link #seed(long)} (faults,
         * Retry-After, lag, switcher, arrivals, bad addresses), so the generated data of a seed is the one it
         * has without the preset, except for the extra replies and the names. Later calls override parts
         * (e.g. {@link #noForeignSwitcher()}, {@link #noBackgroundFaults()}, {@link #switchLag(Duration)}).
         *
         * @return this
         */
        public Builder productionFaults() {
            noBackgroundFaults();
            backgroundFault(Fault.status(500), PRODUCTION_SERVER_ERROR_PROBABILITY);
            backgroundFault(Fault.dropConnection(), PRODUCTION_DROPPED_CONNECTION_PROBABILITY);
            backgroundFault(Fault.truncatedJson(), PRODUCTION_TRUNCATED_JSON_PROBABILITY);
            backgroundFault(Fault.slowResponse(PRODUCTION_SLOW_RESPONSE_DELAY), PRODUCTION_SLOW_RESPONSE_PROBABILITY);
            rateLimitPerKey(PRODUCTION_RATE_PER_KEY, PRODUCTION_BURST_PER_KEY);
            retryAfter(RetryAfterMode.MIXED);
            switchLag(PRODUCTION_SWITCH_LAG_MIN, PRODUCTION_SWITCH_LAG_MAX);
            switchVisibility(SwitchVisibility.USERS_FIRST);
            foreignSwitcher(PRODUCTION_SWITCHER_MIN_INTERVAL, PRODUCTION_SWITCHER_MAX_INTERVAL,
                    PRODUCTION_SWITCHER_MIN_BACK, PRODUCTION_SWITCHER_MAX_BACK);
            replyArrivals(PRODUCTION_REPLY_ARRIVAL_PROBABILITY, PRODUCTION_REPLY_ARRIVAL_MIN,
                    PRODUCTION_REPLY_ARRIVAL_MAX);
            badAddressReplies(PRODUCTION_BAD_ADDRESS_REPLIES);
            generatedWorkspaceNames(PRODUCTION_WORKSPACE_NAMES);
            return this;
        }

        /**
         * Starts every instance on a free loopback port.
         *
         * @return the running simulator
         * @throws java.io.UncheckedIOException if a port cannot be bound
         * @throws IllegalArgumentException     on an inconsistent configuration (e.g. duplicate
         *                                      workspace ids)
         */
        public BisonSimulator start() {
            return new BisonSimulator(this);
        }

        private static void range(Duration min, Duration max, String what) {
            Objects.requireNonNull(min, what + " min");
            Objects.requireNonNull(max, what + " max");
            if (min.isNegative() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException(what + " must satisfy 0 <= min <= max, got " + min + ", " + max);
            }
        }

        private static void rate(double rps, int burst) {
            if (!(rps > 0) || Double.isInfinite(rps)) {
                throw new IllegalArgumentException("requestsPerSecond must be positive, got " + rps);
            }
            if (burst < 1) {
                throw new IllegalArgumentException("burst must be at least 1, got " + burst);
            }
        }
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }
}
