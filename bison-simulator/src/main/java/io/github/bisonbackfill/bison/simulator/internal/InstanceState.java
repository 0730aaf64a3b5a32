package io.github.bisonbackfill.bison.simulator.internal;

import io.github.bisonbackfill.bison.Workspace;
import io.github.bisonbackfill.bison.simulator.Fault;
import io.github.bisonbackfill.bison.simulator.RetryAfterMode;
import io.github.bisonbackfill.bison.simulator.ReplyOrder;
import io.github.bisonbackfill.bison.simulator.SimulatedUser;
import io.github.bisonbackfill.bison.simulator.SimulatorCounters;
import org.jspecify.annotations.Nullable;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Everything one simulated instance knows: workspaces, replies, leads, keys, its super-admin user's
 * current workspace, rate-limit buckets and counters. Thread-safe: data under this object's monitor,
 * the user context under its own.
 */
public final class InstanceState {

    private final String name;
    private final Settings settings;
    private final SimulatedUser user;
    private final DataGenerator generator;
    private final Map<Long, Workspace> workspaces = new LinkedHashMap<>();
    private final Map<Long, Instant> workspaceCreated = new LinkedHashMap<>();
    /** Replies per workspace, ids descending (newest first). */
    private final Map<Long, List<SimReply>> replies = new LinkedHashMap<>();
    /** The order {@code GET /api/replies} serves, per workspace; absent means {@link #defaultOrder}. */
    private final Map<Long, ReplyOrder> replyOrders = new HashMap<>();
    private ReplyOrder defaultOrder = ReplyOrder.NEWEST_FIRST;
    private final long seed;
    private final Map<Long, ApiKey> keys = new ConcurrentHashMap<>();
    private final AtomicLong nextKeyId = new AtomicLong(1);
    private final ApiKey superAdminKey;
    private final UserContext userContext;
    private final @Nullable TokenBucket instanceBucket;
    private final Object rateLock = new Object();

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong switchRequests = new AtomicLong();
    private final AtomicLong switchesAccepted = new AtomicLong();
    private final AtomicLong foreignSwitches = new AtomicLong();
    private final AtomicLong faultsInjected = new AtomicLong();
    private final AtomicLong keysMinted = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    private final AtomicLong repliesArrived = new AtomicLong();

    private final Object switcherLock = new Object();
    private volatile @Nullable ForeignSwitcher foreignSwitcher;

    // One random stream per concern (RandomStream), each derived from the instance seed, none of them
    // the data generator's: turning a concern on leaves the generated data (and the other concerns) as
    // they were, and a concern drawn more or less often (a thread's timing) disturbs no other.
    private final Random faultRandom;
    private final Random faultRuleRandom;
    private final Random retryAfterRandom;
    private final Random arrivalRandom;
    private final Random latencyRandom;
    private final Random switchLagRandom;
    private final Random keyRandom;
    private final Fault[] backgroundFaults;
    private final double[] backgroundCumulative;

    /**
     * Creates and populates an instance.
     *
     * @param name       the instance name
     * @param seed       the instance's seed
     * @param settings   the shared settings
     * @param user       the super-admin user
     * @param specs      the workspaces (at least one)
     */
    public InstanceState(String name, long seed, Settings settings, SimulatedUser user, List<WorkspaceSpec> specs) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("instance " + name + " needs at least one workspace");
        }
        this.name = name;
        this.seed = seed;
        this.settings = settings;
        this.user = user;
        this.generator = new DataGenerator(seed, settings.dataAnchor());
        Map<Long, int[]> counts = new LinkedHashMap<>();
        for (WorkspaceSpec s : specs) {
            if (workspaces.putIfAbsent(s.id(), new Workspace(s.id(), s.name())) != null) {
                throw new IllegalArgumentException("instance " + name + ": duplicate workspace id " + s.id());
            }
            workspaceCreated.put(s.id(), settings.dataAnchor().minus(DataGenerator.HISTORY).minus(Duration.ofDays(60)));
            replies.put(s.id(), new ArrayList<>());
            counts.put(s.id(), new int[]{s.interested(), s.other()});
        }
        for (SimReply r : generator.initialReplies(counts)) {
            replies.get(r.workspaceId()).add(0, r);
        }
        if (settings.badAddressReplies() > 0) {
            Random content = RandomStream.BAD_ADDRESSES.of(seed);
            for (WorkspaceSpec s : specs) {
                for (SimReply r : generator.badAddressReplies(s.id(), settings.badAddressReplies(), content)) {
                    replies.get(s.id()).add(0, r);
                }
            }
        }
        this.faultRandom = RandomStream.FAULTS.of(seed);
        this.faultRuleRandom = RandomStream.FAULT_RULES.of(seed);
        this.retryAfterRandom = RandomStream.RETRY_AFTER.of(seed);
        this.arrivalRandom = RandomStream.ARRIVALS.of(seed);
        this.latencyRandom = RandomStream.LATENCY.of(seed);
        this.switchLagRandom = RandomStream.SWITCH_LAG.of(seed);
        this.keyRandom = RandomStream.KEYS.of(seed);
        this.backgroundFaults = settings.backgroundFaults().keySet().toArray(new Fault[0]);
        this.backgroundCumulative = new double[backgroundFaults.length];
        double sum = 0;
        for (int i = 0; i < backgroundFaults.length; i++) {
            sum += settings.backgroundFaults().get(backgroundFaults[i]);
            backgroundCumulative[i] = sum;
        }
        this.userContext = new UserContext(specs.get(0).id());
        this.instanceBucket = settings.instanceRatePerSecond() > 0
                ? new TokenBucket(settings.instanceRatePerSecond(), settings.instanceBurst(), settings.clock()) : null;
        // The super-admin key is part of the generated data (its secret drawn right after the replies,
        // as it always was); keys minted later draw from the keys stream.
        this.superAdminKey = newKey("super-admin", true, null, generator.secret());
    }

    /** @return the instance name */
    public String name() {
        return name;
    }

    /** @return the settings */
    public Settings settings() {
        return settings;
    }

    /** @return the super-admin user */
    public SimulatedUser user() {
        return user;
    }

    /** @return the super-admin key */
    public ApiKey superAdminKey() {
        return superAdminKey;
    }

    /** @return the user's context */
    public UserContext userContext() {
        return userContext;
    }

    // ---------------------------------------------------------------- workspaces and data

    /** @return the workspaces in creation order */
    public synchronized List<Workspace> workspaces() {
        return List.copyOf(workspaces.values());
    }

    /**
     * @param id a workspace id
     * @return the workspace, if it exists
     */
    public synchronized Optional<Workspace> workspace(long id) {
        return Optional.ofNullable(workspaces.get(id));
    }

    /** @return the workspace ids in creation order (a new, modifiable list) */
    public synchronized List<Long> workspaceIds() {
        return new ArrayList<>(workspaces.keySet());
    }

    /**
     * @param id a workspace id
     * @return its creation time
     */
    public synchronized Instant workspaceCreatedAt(long id) {
        return workspaceCreated.get(id);
    }

    private List<SimReply> repliesOf(long workspaceId) {
        List<SimReply> list = replies.get(workspaceId);
        if (list == null) {
            throw new IllegalArgumentException("instance " + name + " has no workspace " + workspaceId);
        }
        return list;
    }

    /**
     * @param workspaceId the workspace
     * @return a snapshot of its replies, ids descending
     * @throws IllegalArgumentException for an unknown workspace
     */
    public synchronized List<SimReply> replies(long workspaceId) {
        return List.copyOf(repliesOf(workspaceId));
    }

    /**
     * Filters the workspace's replies (ids descending) under the lock.
     *
     * @param workspaceId the workspace
     * @param filter      the filter
     * @return the matching replies
     */
    public synchronized List<SimReply> replies(long workspaceId, Predicate<SimReply> filter) {
        List<SimReply> out = new ArrayList<>();
        for (SimReply r : repliesOf(workspaceId)) {
            if (filter.test(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Filters the workspace's replies and puts them in the order {@code GET /api/replies} serves.
     *
     * @param workspaceId the workspace
     * @param filter      the filter
     * @return the matching replies, in served order
     */
    public synchronized List<SimReply> servedReplies(long workspaceId, Predicate<SimReply> filter) {
        List<SimReply> out = replies(workspaceId, filter);
        switch (replyOrders.getOrDefault(workspaceId, defaultOrder)) {
            case NEWEST_FIRST -> { }
            case OLDEST_FIRST -> Collections.reverse(out);
            case SHUFFLED -> out.sort(Comparator.comparingLong(r -> RandomStream.mix(seed ^ r.id())));
        }
        return out;
    }

    /**
     * Sets the served order of every workspace (replacing per-workspace settings).
     *
     * @param order the order
     */
    public synchronized void replyOrder(ReplyOrder order) {
        defaultOrder = order;
        replyOrders.clear();
    }

    /**
     * Sets the served order of one workspace.
     *
     * @param workspaceId the workspace
     * @param order       the order
     * @throws IllegalArgumentException for an unknown workspace
     */
    public synchronized void replyOrder(long workspaceId, ReplyOrder order) {
        repliesOf(workspaceId);
        replyOrders.put(workspaceId, order);
    }

    /**
     * Adds replies received now, with ids above every existing one (they appear first).
     *
     * @param workspaceId the workspace
     * @param count       how many
     * @param interested  interested or not
     * @return the new replies
     */
    public synchronized List<SimReply> addReplies(long workspaceId, int count, boolean interested) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
        List<SimReply> list = repliesOf(workspaceId);
        List<SimReply> added = generator.newReplies(workspaceId, count, interested, settings.clock().instant());
        for (SimReply r : added) {
            list.add(0, r);
        }
        return added;
    }

    /**
     * Removes the newest replies of a workspace.
     *
     * @param workspaceId the workspace
     * @param count       how many (fewer if the workspace has fewer)
     * @return the removed replies
     */
    public synchronized List<SimReply> removeNewestReplies(long workspaceId, int count) {
        List<SimReply> list = repliesOf(workspaceId);
        List<SimReply> removed = new ArrayList<>();
        for (int i = 0; i < count && !list.isEmpty(); i++) {
            removed.add(list.remove(0));
        }
        return removed;
    }

    /**
     * Removes one reply wherever it is.
     *
     * @param replyId the reply id
     * @return whether it existed
     */
    public synchronized boolean removeReply(long replyId) {
        for (List<SimReply> list : replies.values()) {
            if (list.removeIf(r -> r.id() == replyId)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Finds a lead by id, or by email (trimmed, case-insensitive), in any workspace.
     *
     * @param idOrEmail the path segment
     * @return the lead, if any
     */
    public synchronized Optional<SimLead> lead(String idOrEmail) {
        String key = idOrEmail.trim();
        Long id = null;
        if (key.chars().allMatch(Character::isDigit) && !key.isEmpty() && key.length() < 18) {
            id = Long.parseLong(key);
        }
        String email = key.toLowerCase(Locale.ROOT);
        for (List<SimLead> leads : generator.allLeads().values()) {
            for (SimLead l : leads) {
                if (id != null ? l.id() == id : l.email().trim().toLowerCase(Locale.ROOT).equals(email)) {
                    return Optional.of(l);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Counts the lead's replies (for its {@code overall_stats}).
     *
     * @param lead the lead
     * @return the number of replies
     */
    public synchronized int replyCount(SimLead lead) {
        int n = 0;
        for (SimReply r : repliesOf(lead.workspaceId())) {
            if (r.lead() != null && r.lead().id() == lead.id()) {
                n++;
            }
        }
        return n;
    }

    /**
     * This request's latency, uniform in the configured range, from the latency stream.
     *
     * @return the latency
     */
    public Duration drawLatency() {
        return RandomStream.uniform(latencyRandom, settings.latencyMin(), settings.latencyMax());
    }

    /**
     * Whether a programmed rule with this probability hits the request: one draw from the fault-rule
     * stream.
     *
     * @param probability the rule's probability
     * @return whether it hits
     */
    public boolean hitsFaultRule(double probability) {
        synchronized (faultRuleRandom) {
            return faultRuleRandom.nextDouble() < probability;
        }
    }

    /**
     * Draws this request's background fault (one draw from the fault stream per call when any is
     * configured; the faults' probabilities are exact and mutually exclusive).
     *
     * @return the fault, or {@code null}
     */
    public @Nullable Fault drawBackgroundFault() {
        if (backgroundFaults.length == 0) {
            return null;
        }
        double u;
        synchronized (faultRandom) {
            u = faultRandom.nextDouble();
        }
        for (int i = 0; i < backgroundFaults.length; i++) {
            if (u < backgroundCumulative[i]) {
                return backgroundFaults[i];
            }
        }
        return null;
    }

    /**
     * The mode a 429 announces its wait with: {@code mode} itself, or for {@link RetryAfterMode#MIXED}
     * {@link RetryAfterMode#SECONDS} or {@link RetryAfterMode#NONE} with equal probability, drawn
     * from this instance's Retry-After stream.
     *
     * @param mode the configured mode
     * @return the concrete mode
     */
    public RetryAfterMode resolveRetryAfter(RetryAfterMode mode) {
        if (mode != RetryAfterMode.MIXED) {
            return mode;
        }
        synchronized (retryAfterRandom) {
            return retryAfterRandom.nextBoolean() ? RetryAfterMode.SECONDS : RetryAfterMode.NONE;
        }
    }

    /**
     * Called when page 1 of a workspace's replies has been served (before it is written): with the
     * configured arrival probability, adds between the configured fewest and most new interested
     * replies to that workspace. Draws come from this instance's arrival stream.
     *
     * @param workspaceId the workspace served
     * @return the replies added, possibly none
     */
    public List<SimReply> maybeArrive(long workspaceId) {
        if (!(settings.arrivalProbability() > 0)) {
            return List.of();
        }
        int count;
        synchronized (arrivalRandom) {
            if (arrivalRandom.nextDouble() >= settings.arrivalProbability()) {
                return List.of();
            }
            count = settings.arrivalMin() + arrivalRandom.nextInt(settings.arrivalMax() - settings.arrivalMin() + 1);
        }
        List<SimReply> added = addReplies(workspaceId, count, true);
        repliesArrived.addAndGet(added.size());
        return added;
    }

    // ---------------------------------------------------------------- keys

    private ApiKey newKey(String keyName, boolean superAdmin, @Nullable Long workspaceId) {
        String secret;
        synchronized (keyRandom) {
            secret = DataGenerator.secret(keyRandom);
        }
        return newKey(keyName, superAdmin, workspaceId, secret);
    }

    private ApiKey newKey(String keyName, boolean superAdmin, @Nullable Long workspaceId, String secret) {
        TokenBucket bucket = settings.keyRatePerSecond() > 0
                ? new TokenBucket(settings.keyRatePerSecond(), settings.keyBurst(), settings.clock()) : null;
        ApiKey key = new ApiKey(nextKeyId.getAndIncrement(), keyName, secret, superAdmin, workspaceId, bucket);
        keys.put(key.id(), key);
        return key;
    }

    /**
     * Mints an api-user key for a workspace.
     *
     * @param workspaceId the workspace
     * @param keyName     the key name
     * @return the key
     * @throws IllegalArgumentException for an unknown workspace
     */
    public ApiKey mintApiUserKey(long workspaceId, String keyName) {
        if (workspace(workspaceId).isEmpty()) {
            throw new IllegalArgumentException("instance " + name + " has no workspace " + workspaceId);
        }
        keysMinted.incrementAndGet();
        return newKey(keyName, false, workspaceId);
    }

    /**
     * Mints another super-admin key of the same user.
     *
     * @param keyName the key name
     * @return the key
     */
    public ApiKey mintSuperAdminKey(String keyName) {
        keysMinted.incrementAndGet();
        return newKey(keyName, true, null);
    }

    /**
     * Revokes a key.
     *
     * @param keyId the key id
     * @return whether it existed
     */
    public boolean revoke(long keyId) {
        return keys.remove(keyId) != null;
    }

    /**
     * Resolves an {@code Authorization} header value.
     *
     * @param authorization the header value, possibly {@code null}
     * @return the key, or {@code null} when missing, malformed, unknown or revoked
     */
    public @Nullable ApiKey authenticate(@Nullable String authorization) {
        if (authorization == null) {
            return null;
        }
        String v = authorization.trim();
        if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return byToken(v.substring(7).trim());
    }

    /**
     * Resolves a token {@code <id>|<secret>}.
     *
     * @param token the token
     * @return the key or {@code null}
     */
    public @Nullable ApiKey byToken(String token) {
        int bar = token.indexOf('|');
        if (bar <= 0) {
            return null;
        }
        long id;
        try {
            id = Long.parseLong(token.substring(0, bar));
        } catch (NumberFormatException e) {
            return null;
        }
        ApiKey key = keys.get(id);
        if (key == null) {
            return null;
        }
        byte[] given = token.substring(bar + 1).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, key.secret().getBytes(StandardCharsets.UTF_8)) ? key : null;
    }

    // ---------------------------------------------------------------- current workspace

    /**
     * Switches the super-admin user, with a lag in the configured range drawn from the switch-lag stream.
     *
     * @param workspaceId the target
     * @param foreign     whether another actor made it (counted separately)
     * @return when it takes effect
     */
    public Instant switchUser(long workspaceId, boolean foreign) {
        return switchUser(workspaceId, foreign, switchLagRandom);
    }

    /**
     * Switches the super-admin user, with a lag in the configured range drawn from {@code lagStream}.
     *
     * @param workspaceId the target
     * @param foreign     whether another actor made it (counted separately)
     * @param lagStream   the stream the lag is drawn from
     * @return when it takes effect
     */
    Instant switchUser(long workspaceId, boolean foreign, Random lagStream) {
        Duration lag = RandomStream.uniform(lagStream, settings.switchLagMin(), settings.switchLagMax());
        if (foreign) {
            foreignSwitches.incrementAndGet();
        } else {
            switchesAccepted.incrementAndGet();
        }
        return userContext.switchTo(workspaceId, settings.clock().instant(), lag);
    }

    /**
     * The workspace data endpoints serve for this key now.
     *
     * @param key the key
     * @return the workspace id
     */
    public long dataWorkspace(ApiKey key) {
        return key.superAdmin() ? userContext.effective(settings.clock().instant()) : key.workspaceId();
    }

    /**
     * The workspace {@code GET /api/users} reports for this key now.
     *
     * @param key the key
     * @return the workspace id
     */
    public long usersWorkspace(ApiKey key) {
        if (!key.superAdmin()) {
            return key.workspaceId();
        }
        long effective = userContext.effective(settings.clock().instant());
        return settings.switchVisibility() == io.github.bisonbackfill.bison.simulator.SwitchVisibility.USERS_FIRST
                ? userContext.requested() : effective;
    }

    // ---------------------------------------------------------------- rate limits and counters

    /**
     * Takes a request token from the instance bucket and the key's bucket, or neither.
     *
     * @param key the key
     * @return zero if admitted, else how long until both buckets have a token
     */
    public Duration admit(ApiKey key) {
        synchronized (rateLock) {
            Duration wait = Duration.ZERO;
            if (instanceBucket != null) {
                wait = instanceBucket.waitTime();
            }
            if (key.bucket() != null) {
                Duration kw = key.bucket().waitTime();
                if (kw.compareTo(wait) > 0) {
                    wait = kw;
                }
            }
            if (wait.isZero()) {
                if (instanceBucket != null) {
                    instanceBucket.take();
                }
                if (key.bucket() != null) {
                    key.bucket().take();
                }
            }
            return wait;
        }
    }

    /** Counts a request entering; call {@link #requestDone()} when it leaves. */
    public void requestStarted() {
        requests.incrementAndGet();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
    }

    /** Counts a request leaving. */
    public void requestDone() {
        inFlight.decrementAndGet();
    }

    /** Counts a 429. */
    public void countRateLimited() {
        rateLimited.incrementAndGet();
    }

    /** Counts a switch request. */
    public void countSwitchRequest() {
        switchRequests.incrementAndGet();
    }

    /** Counts an injected fault. */
    public void countFault() {
        faultsInjected.incrementAndGet();
    }

    /**
     * A snapshot of the counters.
     *
     * @return the counters
     */
    public SimulatorCounters counters() {
        return new SimulatorCounters(requests.get(), rateLimited.get(), switchRequests.get(), switchesAccepted.get(),
                foreignSwitches.get(), faultsInjected.get(), keysMinted.get(), maxInFlight.get(),
                repliesArrived.get());
    }

    /** Resets every counter to zero. */
    public void resetCounters() {
        for (AtomicLong a : List.of(requests, rateLimited, switchRequests, switchesAccepted, foreignSwitches,
                faultsInjected, keysMinted, repliesArrived)) {
            a.set(0);
        }
        maxInFlight.set(inFlight.get());
    }

    // ---------------------------------------------------------------- foreign switcher

    /**
     * Starts (or restarts) the foreign switcher.
     *
     * @param meanInterval mean time between its switches (exponentially distributed)
     */
    public void startForeignSwitcher(Duration meanInterval) {
        startForeignSwitcher(SwitcherPlan.exponential(meanInterval));
    }

    /**
     * Starts (or restarts) the foreign switcher with a plan. It draws its pauses and targets from the
     * switcher stream and its switches' lags from the switcher-lag stream, both restarted (the same
     * sequences on every start).
     *
     * @param plan how it switches
     */
    public void startForeignSwitcher(SwitcherPlan plan) {
        // Its own lock, not this object's: the switcher thread takes this object's monitor, and
        // stopping it while holding that monitor would stall the join.
        synchronized (switcherLock) {
            stopForeignSwitcher();
            ForeignSwitcher fs = new ForeignSwitcher(this, plan, RandomStream.SWITCHER.of(seed),
                    RandomStream.SWITCHER_LAG.of(seed));
            foreignSwitcher = fs;
            fs.start();
        }
    }

    /** Stops the foreign switcher, if running, and waits briefly for its thread. */
    public void stopForeignSwitcher() {
        synchronized (switcherLock) {
            ForeignSwitcher fs = foreignSwitcher;
            foreignSwitcher = null;
            if (fs != null) {
                fs.stop();
            }
        }
    }

    /** @return whether a foreign switcher runs */
    public boolean foreignSwitcherRunning() {
        return foreignSwitcher != null;
    }

    /**
     * Every reply id of the instance mapped to its workspace (for assertions).
     *
     * @return reply id → workspace id
     */
    public synchronized Map<Long, Long> replyWorkspaces() {
        Map<Long, Long> out = new LinkedHashMap<>();
        for (Map.Entry<Long, List<SimReply>> e : replies.entrySet()) {
            for (SimReply r : e.getValue()) {
                out.put(r.id(), e.getKey());
            }
        }
        return Collections.unmodifiableMap(out);
    }
}
