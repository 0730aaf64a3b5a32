package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.BisonAuthException;
import io.github.bisonbackfill.bison.BisonException;
import io.github.bisonbackfill.bison.BisonNotFoundException;
import io.github.bisonbackfill.bison.BisonServiceException;
import io.github.bisonbackfill.bison.KeyMode;
import io.github.bisonbackfill.bison.Lead;
import io.github.bisonbackfill.bison.MintedKey;
import io.github.bisonbackfill.bison.PageListener;
import io.github.bisonbackfill.bison.PageProgress;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.SafetyCounters;
import io.github.bisonbackfill.bison.ScanOptions;
import io.github.bisonbackfill.bison.ScanResult;
import io.github.bisonbackfill.bison.SessionLock;
import io.github.bisonbackfill.bison.Workspace;
import io.github.bisonbackfill.bison.WorkspaceContextException;
import io.github.bisonbackfill.bison.WorkspaceStats;
import io.github.bisonbackfill.bison.internal.BisonJson.CurrentUser;
import io.github.bisonbackfill.bison.internal.BisonJson.RepliesPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The implementation behind {@code BisonClient}: endpoints, key modes and the workspace-safety
 * machinery (session lock, switch, settle, verification, data-flip check, page fences, total
 * evidence, data tripwire, bounded recovery). Thread-safe.
 */
@SuppressWarnings("try") // the session lock's lease is held for the try block, never read
public final class BisonEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BisonEngine.class);
    static final String SWITCHER_CAUSE = "another process may be switching this user (a cron job, a script, "
            + "someone in the web UI), or the workspace's replies kept changing during every re-read; make every "
            + "switcher share the session lock, or use per-workspace api-user keys, which need no switching and no "
            + "proof: configure a key store (BisonClient.Builder.keyStore, or run.key_store in the CLI's config) and "
            + "a key is minted once per workspace with the super-admin key and used from then on";
    private static final String REPLIES = "/api/replies?status=interested&folder=all&page=";
    /**
     * Least time between two read-back checks while a fence group is read: 100 ms, so a fast group
     * costs no extra request and a slow one at most one per interval (250 ms by default).
     */
    static final Duration MIN_WATCH_INTERVAL = Duration.ofMillis(100);
    /** Stands for a read-back that failed while pages were read: nothing proven. */
    private static final CurrentUser UNKNOWN_CONTEXT = new CurrentUser(0, null, "(read-back failed)");
    /** The name of keys minted into a key store, as the web UI lists them. */
    static final String MINTED_KEY_NAME = "bison-backfill";

    private final ClientConfig config;
    private final Transport transport;
    private final BisonJson json;
    private final ExecutorService pageExecutor;
    private final ConcurrentMap<Long, Long> tripwire = new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, Workspace> verifiedKeys = new ConcurrentHashMap<>();
    /** Keys of workspaces read from the key store or minted into it, by workspace. */
    private final ConcurrentMap<Long, ApiKey> storedKeys = new ConcurrentHashMap<>();
    /** Workspaces whose key this engine minted. */
    private final Set<Long> minted = ConcurrentHashMap.newKeySet();
    private final Redactor redactor;
    private final ConcurrentMap<Long, String> names = new ConcurrentHashMap<>();
    private final Object userIdLock = new Object();
    private volatile Long superAdminUserId;
    private final AtomicLong violationsDetected = new AtomicLong();
    private final AtomicLong violationsRecovered = new AtomicLong();
    private final AtomicLong contextFailures = new AtomicLong();
    private final AtomicLong switches = new AtomicLong();
    private final AtomicLong contextChecks = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Creates the engine and its HTTP resources.
     *
     * @param config validated settings
     */
    public BisonEngine(ClientConfig config) {
        this.config = config;
        List<ApiKey> keys = new ArrayList<>(config.workspaceKeys().values());
        if (config.superAdminKey() != null) {
            keys.add(config.superAdminKey());
        }
        this.redactor = new Redactor(keys);
        this.transport = new Transport(config, redactor);
        this.json = new BisonJson(redactor);
        AtomicInteger threads = new AtomicInteger();
        this.pageExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bison-" + config.instanceName() + "-pages-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Returns the HTTP attempts started so far. */
    public int requestsSent() {
        return transport.requestsSent();
    }

    // ---- public operations ---------------------------------------------------------------------

    /** See {@code BisonClient#keyModeFor}. */
    public KeyMode keyModeFor(long workspaceId) {
        if (config.workspaceKeys().containsKey(workspaceId)) {
            return KeyMode.API_USER_KEY;
        }
        if (config.keyStore() != null && config.superAdminKey() != null) {
            return minted.contains(workspaceId) ? KeyMode.MINTED_API_USER_KEY : KeyMode.STORED_API_USER_KEY;
        }
        if (config.superAdminKey() != null) {
            return KeyMode.SUPER_ADMIN_SWITCHING;
        }
        throw new IllegalArgumentException("no key for workspace " + workspaceId + " on instance "
                + config.instanceName() + ": configure workspaceKey(" + workspaceId + ", ...) or a superAdminKey");
    }

    /** See {@code BisonClient#scanInterestedReplies}. */
    public ScanResult scan(long workspaceId, ScanOptions options) {
        Objects.requireNonNull(options, "options");
        ensureOpen();
        long started = System.nanoTime();
        KeyMode mode = keyModeFor(workspaceId);
        if (mode.isApiUserKey()) {
            ApiKey key = apiUserKey(workspaceId);
            Workspace confirmed = verifiedKeys.get(workspaceId);
            Scan scan = new Scan(new Guard(workspaceId, confirmed.name(), false), key, options);
            scan.run();
            return scan.result(started);
        }
        try (SessionLock.Lease ignored = lockSession()) {
            Scan scan = new Scan(new Guard(workspaceId, names.get(workspaceId), true), config.superAdminKey(),
                    options);
            scan.run();
            return scan.result(started);
        }
    }

    /** See {@code BisonClient#listWorkspaces}. */
    public List<Workspace> listWorkspaces() {
        ensureOpen();
        ApiKey key = requireSuperAdmin("listWorkspaces");
        Endpoint endpoint = new Endpoint("GET", "/api/workspaces/v1.1", null, null);
        List<Workspace> workspaces = transport.send(endpoint, key, null, true, body -> json.read(body, endpoint, json::workspaces));
        workspaces.forEach(w -> names.put(w.id(), w.name()));
        return workspaces;
    }

    /** See {@code BisonClient#stats}. */
    /** {@code meta.total} of the first page of the interested listing; see {@code BisonClient.interestedTotal}. */
    public long interestedTotal(long workspaceId) {
        ensureOpen();
        Endpoint endpoint = new Endpoint("GET", REPLIES + 1, workspaceId, 1);
        return workspaceCall(workspaceId, key -> transport.send(endpoint, key, null, true, body -> json.read(body, endpoint, root -> json.repliesPage(root, 1))).total());
    }

    public WorkspaceStats stats(long workspaceId, LocalDate start, LocalDate end) {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("end " + end + " is before start " + start);
        }
        ensureOpen();
        Endpoint endpoint = new Endpoint("GET", "/api/workspaces/v1.1/stats?start_date=" + start + "&end_date=" + end,
                workspaceId, null);
        return workspaceCall(workspaceId, key ->
                transport.send(endpoint, key, null, true, body -> json.read(body, endpoint, root -> json.stats(root, workspaceId, start, end))));
    }

    /** See {@code BisonClient#lead}. */
    public Optional<Lead> lead(long workspaceId, String idOrEmail) {
        Objects.requireNonNull(idOrEmail, "idOrEmail");
        String trimmed = idOrEmail.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("idOrEmail is blank");
        }
        ensureOpen();
        String encoded = URLEncoder.encode(trimmed, StandardCharsets.UTF_8).replace("+", "%20");
        Endpoint endpoint = new Endpoint("GET", "/api/leads/" + encoded, workspaceId, null);
        return workspaceCall(workspaceId, key -> {
            try {
                return Optional.of(transport.send(endpoint, key, null, true,
                        body -> json.read(body, endpoint, json::leadResponse)));
            } catch (BisonNotFoundException e) {
                return Optional.<Lead>empty();
            }
        });
    }

    /** See {@code BisonClient#mintApiUserKey}. */
    public MintedKey mintApiUserKey(long workspaceId, String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name is blank");
        }
        ensureOpen();
        ApiKey key = requireSuperAdmin("mintApiUserKey");
        Endpoint endpoint = new Endpoint("POST", "/api/workspaces/v1.1/" + workspaceId + "/api-tokens", workspaceId, null);
        // Not idempotent (each call creates a key): sent again only if it certainly never reached the server.
        return transport.send(endpoint, key, json.write(Map.of("name", name)), false,
                body -> json.read(body, endpoint, root -> json.mintedKey(root, workspaceId, name)));
    }

    /** See {@code BisonClient#safetyCounters}. */
    public SafetyCounters safetyCounters() {
        return new SafetyCounters(violationsDetected.get(), violationsRecovered.get(), contextFailures.get(),
                switches.get(), contextChecks.get());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pageExecutor.shutdownNow();
            transport.close();
        }
    }

    // ---- keys, lock, context -------------------------------------------------------------------

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("BisonClient for " + config.instanceName() + " is closed");
        }
    }

    private ApiKey requireSuperAdmin(String operation) {
        if (config.superAdminKey() == null) {
            throw new IllegalStateException(operation + " needs a superAdminKey on instance " + config.instanceName());
        }
        return config.superAdminKey();
    }

    /** Runs a single request for a workspace: directly with its own key, else fenced under the lock. */
    private <T> T workspaceCall(long workspaceId, Function<ApiKey, T> call) {
        if (keyModeFor(workspaceId).isApiUserKey()) {
            return call.apply(apiUserKey(workspaceId));
        }
        try (SessionLock.Lease ignored = lockSession()) {
            Guard guard = new Guard(workspaceId, names.get(workspaceId), true);
            for (;;) {
                guard.switchAndVerify();
                T value;
                BisonServiceException refused = null;
                try {
                    value = call.apply(config.superAdminKey());
                } catch (BisonServiceException e) {
                    // 403/404 may only mean the context was wrong: decide after the fence.
                    if (e.status() != 403 && e.status() != 404) {
                        throw e;
                    }
                    refused = e;
                    value = null;
                }
                // These answers carry no reply ids to check, so only the read-back can vouch for them. Watching
                // it through the settle delay lets a foreign switch made just before the request show even
                // when the read-back trails the data (the lag is at most the settle delay), and one made
                // away and back meanwhile too, if it stayed away longer than a verification interval.
                CurrentUser other = guard.watch(config.switchSettleDelay());
                if (other == null) {
                    guard.markRecovered();
                    if (refused != null) {
                        throw refused;
                    }
                    return value;
                }
                guard.recordViolation("after the request the current workspace was " + other.describeTeam());
            }
        }
    }

    /**
     * The workspace's own key, read back and verified: the configured one, else the key store's
     * (minted with the super-admin key and saved before use when the store has none). A stored key
     * that answers 401 is replaced only when {@code replaceRejectedStoredKeys} is on.
     */
    private ApiKey apiUserKey(long workspaceId) {
        ApiKey configured = config.workspaceKeys().get(workspaceId);
        if (configured != null) {
            verifyApiUserKey(workspaceId, configured);
            return configured;
        }
        ApiKey key = storedKeys.computeIfAbsent(workspaceId, ws -> remember(ws,
                config.keyStore().getOrCreate(config.instanceIdentity(), ws, () -> mint(ws))));
        try {
            verifyApiUserKey(workspaceId, key);
            return key;
        } catch (BisonAuthException e) {
            if (e.status() != 401) {
                throw e;
            }
            if (!config.replaceRejectedStoredKeys()) {
                throw new BisonAuthException("the api-user key of workspace " + workspaceId + " in the key store "
                        + config.keyStore() + " was rejected (401: deleted or revoked in Email Bison's web UI?); "
                        + "nothing was read. Replace it with a newly minted one: replaceRejectedStoredKeys(true) "
                        + "(the CLI's --force), or remove its entry from the store", e.endpoint(), e.status(),
                        e.body(), e.attempts());
            }
            String rejected = key.secret();
            ApiKey replacement = remember(workspaceId, config.keyStore().replace(config.instanceIdentity(), workspaceId,
                    rejected, () -> mint(workspaceId)));
            storedKeys.put(workspaceId, replacement);
            verifiedKeys.remove(workspaceId);
            log.warn("workspace {} on {}: the stored api-user key was rejected (401) and was replaced", workspaceId,
                    config.instanceName());
            verifyApiUserKey(workspaceId, replacement);
            return replacement;
        }
    }

    private ApiKey remember(long workspaceId, String secret) {
        ApiKey key = new ApiKey(secret, "stored key of workspace " + workspaceId);
        redactor.add(key);
        return key;
    }

    /** Mints the workspace's key for the store (called inside the store's exclusive section). */
    private String mint(long workspaceId) {
        MintedKey key = mintApiUserKey(workspaceId, MINTED_KEY_NAME);
        minted.add(workspaceId);
        log.info("workspace {} on {}: minted an api-user key ({}) into the key store {}", workspaceId,
                config.instanceName(), MINTED_KEY_NAME, config.keyStore());
        return key.token();
    }

    private Workspace verifyApiUserKey(long workspaceId, ApiKey key) {
        Workspace cached = verifiedKeys.get(workspaceId);
        if (cached != null) {
            return cached;
        }
        CurrentUser user = currentUser(key, workspaceId);
        if (user.teamId() == null || user.teamId() != workspaceId) {
            violationsDetected.incrementAndGet();
            contextFailures.incrementAndGet();
            String observed = user.teamId() == null
                    ? "the read-back of its api-user key (GET /api/users) shows no current workspace"
                    : "its configured api-user key belongs to workspace " + user.describeTeam();
            throw new WorkspaceContextException(workspaceId, names.get(workspaceId), observed,
                    "refusing to read with it: check workspaceKey(" + workspaceId + ", ...) or mint a key for this "
                            + "workspace with mintApiUserKey");
        }
        Workspace confirmed = new Workspace(workspaceId, user.teamName() == null ? "" : user.teamName());
        names.put(workspaceId, confirmed.name());
        verifiedKeys.put(workspaceId, confirmed);
        return confirmed;
    }

    private CurrentUser currentUser(ApiKey key, Long workspaceId) {
        contextChecks.incrementAndGet();
        Endpoint endpoint = new Endpoint("GET", "/api/users", workspaceId, null);
        return transport.send(endpoint, key, null, true, body -> json.read(body, endpoint, json::currentUser));
    }

    private CurrentUser checkContext() {
        return currentUser(config.superAdminKey(), null);
    }

    private long superAdminUserId() {
        Long id = superAdminUserId;
        if (id == null) {
            synchronized (userIdLock) {
                id = superAdminUserId;
                if (id == null) {
                    // The user is identified by the server's id, never by the key text: two keys of
                    // one user share one session.
                    id = checkContext().userId();
                    superAdminUserId = id;
                }
            }
        }
        return id;
    }

    private SessionLock.Lease lockSession() {
        long userId = superAdminUserId();
        try {
            return config.sessionLock().acquire(config.instanceIdentity(), userId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BisonException("interrupted while waiting for the session lock of user " + userId + " on "
                    + config.instanceName(), e);
        }
    }

    private void switchTo(long workspaceId) {
        switches.incrementAndGet();
        Endpoint endpoint = new Endpoint("POST", "/api/workspaces/v1.1/switch-workspace", workspaceId, null);
        // Switching sets state to a value: repeating it is harmless, so it may be retried.
        transport.send(endpoint, config.superAdminKey(), json.write(Map.of("team_id", workspaceId)), true);
    }

    private static void sleep(Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BisonException("interrupted while waiting", e);
        }
    }

    private String nameFor(long workspaceId) {
        String name = names.get(workspaceId);
        if (name == null && config.superAdminKey() != null) {
            try {
                listWorkspaces();
                name = names.get(workspaceId);
            } catch (BisonException e) {
                log.debug("could not look up the name of workspace {} for a message: {}", workspaceId, e.getMessage());
            }
        }
        return name;
    }

    // ---- one guarded workspace operation -------------------------------------------------------

    /**
     * The safety state of one operation on one workspace: recoveries, counts, the confirmed name.
     * Recovery rounds are judged by progress: a round (what happens between two violations) that
     * proved at least one more fence group does not count against {@code maxContextRecoveries}; rounds
     * without progress count, are preceded by a jittered exponential wait, and are bounded by the
     * count and by {@code contextRecoveryBudget} since the latest proof.
     */
    private final class Guard {
        final long workspaceId;
        final boolean fenced;
        String name;
        int detected;
        int recovered;
        int pending;
        /** Consecutive recovery rounds that proved nothing. */
        int roundsWithoutProgress;
        /** Whether a fence group was proven since the latest violation. */
        boolean progressed;
        /** When the operation started or last proved a fence group. */
        long lastProgressNanos = System.nanoTime();

        Guard(long workspaceId, String name, boolean fenced) {
            this.workspaceId = workspaceId;
            this.name = name;
            this.fenced = fenced;
        }

        /** A fence group (or a fenced single request) was proven: the current round made progress. */
        void progress() {
            progressed = true;
            lastProgressNanos = System.nanoTime();
        }

        /** What was proven since the latest violation was thrown away (a discarded pass): no progress. */
        void forgetProgress() {
            progressed = false;
        }

        boolean isTarget(CurrentUser user) {
            if (user.teamId() != null && user.teamId() == workspaceId) {
                if (user.teamName() != null) {
                    name = user.teamName();
                    names.put(workspaceId, name);
                }
                return true;
            }
            return false;
        }

        /**
         * Switch, settle, verify by bounded polling; an unconfirmed switch is a violation (bounded).
         * The read-back is watched every verification interval from the switch on, the settle delay
         * included, and a confirmation counts only when the target has shown in every check for at
         * least the settle delay since the switch or since the last check that showed another
         * workspace. A foreign switch away and back while we wait is then seen (if it stayed away
         * longer than one interval) instead of slept through: on a server whose data trails its
         * read-back, the data read next may be that switch's. And if the read-back turns to the target
         * only during polling, someone (re-)requested it just then, and that request's data may still
         * be on its way. Budget: the checks that fit in the settle delay plus {@code verificationAttempts}.
         */
        void switchAndVerify() {
            long settle = config.switchSettleDelay().toNanos();
            long interval = Math.max(1_000_000L, config.verificationInterval().toNanos());
            for (;;) {
                switchTo(workspaceId);
                long switched = System.nanoTime();
                long lastOther = switched;
                long maxChecks = Math.min(100_000, settle / interval) + config.verificationAttempts();
                int checks = 0;
                CurrentUser last;
                for (;;) {
                    long untilSettled = lastOther + settle - System.nanoTime();
                    sleep(Duration.ofNanos(Math.max(0, Math.min(interval, untilSettled))));
                    last = checkContext();
                    checks++;
                    long now = System.nanoTime();
                    if (!isTarget(last)) {
                        lastOther = now;
                    } else if (now - lastOther >= settle) {
                        return;
                    }
                    if (checks >= maxChecks) {
                        break;
                    }
                }
                long ms = Duration.ofNanos(System.nanoTime() - switched).toMillis();
                recordViolation("switch not confirmed after " + checks + " checks in "
                        + String.format(java.util.Locale.ROOT, "%.1f", ms / 1000.0) + " s: current workspace is "
                        + last.describeTeam() + (isTarget(last) ? " only since the last checks" : ""));
            }
        }

        /**
         * Watches the read-back for {@code duration}, one check every verification interval and one at
         * the end.
         *
         * @return the first check that showed another workspace, or {@code null} if all showed the target
         */
        CurrentUser watch(Duration duration) {
            long interval = Math.max(1_000_000L, config.verificationInterval().toNanos());
            long end = System.nanoTime() + duration.toNanos();
            for (;;) {
                sleep(Duration.ofNanos(Math.max(0, Math.min(interval, end - System.nanoTime()))));
                CurrentUser user = checkContext();
                if (!isTarget(user)) {
                    return user;
                }
                if (System.nanoTime() >= end) {
                    return null;
                }
            }
        }

        /**
         * Counts a violation; throws when the rounds without progress or the time budget are used up,
         * else waits (after a round without progress) and the caller re-establishes.
         */
        void recordViolation(String what) {
            detected++;
            pending++;
            violationsDetected.incrementAndGet();
            if (progressed) {
                roundsWithoutProgress = 0;
            } else {
                roundsWithoutProgress++;
            }
            progressed = false;
            long withoutProof = System.nanoTime() - lastProgressNanos;
            boolean outOfRounds = roundsWithoutProgress > config.maxContextRecoveries();
            boolean outOfTime = withoutProof >= config.contextRecoveryBudget().toNanos();
            if (!fenced || outOfRounds || outOfTime) {
                contextFailures.incrementAndGet();
                String suffix = !fenced ? "" : outOfRounds
                        ? " (" + (roundsWithoutProgress - 1) + " recovery rounds in a row proved nothing)"
                        : " (nothing proven for " + Duration.ofNanos(withoutProof).toSeconds()
                        + " s, contextRecoveryBudget " + config.contextRecoveryBudget() + ")";
                throw new WorkspaceContextException(workspaceId, name != null ? name : nameFor(workspaceId),
                        what + suffix, fenced ? SWITCHER_CAUSE
                                : "the api-user key configured for it may belong to another workspace; check "
                                + "workspaceKey(" + workspaceId + ", ...)", fenced);
            }
            Duration wait = roundsWithoutProgress == 0 ? Duration.ZERO : recoveryWait(roundsWithoutProgress);
            log.warn("workspace {} ({}) on {}: {}; discarding unproven data, switching again{} (rounds without "
                            + "progress {}/{})", workspaceId, name, config.instanceName(), what,
                    wait.isZero() ? "" : " in " + wait.toMillis() + " ms", roundsWithoutProgress,
                    config.maxContextRecoveries());
            sleep(wait);
        }

        /** Jittered exponential wait before the n-th consecutive round without progress (n >= 1). */
        private Duration recoveryWait(int n) {
            long base = config.contextRecoveryBaseDelay().toNanos();
            long cap = config.contextRecoveryMaxDelay().toNanos();
            int shift = Math.min(n - 1, 30);
            long exp = base > (cap >> shift) ? cap : Math.min(cap, base << shift);
            long half = exp / 2;
            return Duration.ofNanos(half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0));
        }

        /** A violation detected and made good at once (a re-read proved the data). */
        void detectedAndRecovered(String what) {
            detected++;
            recovered++;
            violationsDetected.incrementAndGet();
            violationsRecovered.incrementAndGet();
            log.warn("workspace {} ({}) on {}: {}; the re-read under a confirmed context replaced it",
                    workspaceId, name, config.instanceName(), what);
        }

        void markRecovered() {
            progress();
            if (pending > 0) {
                recovered += pending;
                violationsRecovered.addAndGet(pending);
                pending = 0;
            }
        }
    }

    // ---- the scan ------------------------------------------------------------------------------

    private final class Scan {
        private final Guard guard;
        private final ApiKey key;
        private final PageListener listener;
        private final Map<Long, Reply> replies = new LinkedHashMap<>();
        private int pagesRead;
        private int repliesSeen;
        private Long totalAtStart;
        private long totalAtEnd;
        private boolean totalFell;
        private Long expectedTotal;
        private long highestReplyId;
        /** Non-null while the scan is a catch-up that has neither stopped nor fallen back. */
        private CatchUp catchUp;
        private boolean stoppedEarly;
        private String fallbackReason;
        private final ScanOptions options;
        /** Reply ids this scan put into the tripwire (taken back if the scan is discarded). */
        private final List<Long> registered = new ArrayList<>();
        /** Another workspace the read-back showed while the last fence group was read, or {@code null}. */
        private volatile CurrentUser seenWhileReading;
        /** Page 1 as accepted: what the closing read must still find. */
        private Set<Long> firstPageIds;
        private long firstPageTotal;

        Scan(Guard guard, ApiKey key, ScanOptions options) {
            this.guard = guard;
            this.key = key;
            this.listener = options.listener();
            this.options = options;
            this.catchUp = newCatchUp();
        }

        private CatchUp newCatchUp() {
            return options.catchUpThreshold().isPresent() ? new CatchUp(options.catchUpThreshold().getAsLong()) : null;
        }

        /**
         * Reads every page (or a catch-up's newest ones). With the super-admin key a pass ends with a
         * closing read of page 1 under a last fence: it must still share replies with the page 1 the
         * pass started from. A read-back may run ahead of the data, so another actor switching the
         * user away and back can make a whole short pass (its page 1 included, which sets the expected
         * total) come from another workspace while every check of the read-back shows the target;
         * the closing read, taken later, exposes it. Then the whole pass is discarded and read again
         * (bounded by the recoveries).
         */
        void run() {
            for (;;) {
                runPass();
                if (!guard.fenced) {
                    return;
                }
                String broken = closingCheck();
                if (broken == null) {
                    return;
                }
                // The pass's groups are thrown away: that round proved nothing that is kept.
                guard.forgetProgress();
                guard.recordViolation(broken);
                discard();
            }
        }

        /**
         * Reads page 1 again under a last fence. A fence that fails only says the closing read itself
         * is unproven, not the pass: the context is re-established and the closing read repeated
         * (bounded like every recovery). Returns why the pass must be discarded, or {@code null}.
         */
        private String closingCheck() {
            // Wait out the settle delay first, watching the read-back: data that trails the read-back by
            // up to the settle delay is the target's afterwards, so a pass served whole from another
            // workspace (a foreign switch whose data trailed a read-back that showed ours) shares nothing
            // with the closing page. Measured: scripts/bench-faults.sh, docs/benchmarks.md.
            CurrentUser away = guard.watch(config.switchSettleDelay());
            if (away != null) {
                guard.recordViolation("before the closing read the current workspace was " + away.describeTeam());
                guard.switchAndVerify();
            }
            RepliesPage again;
            for (;;) {
                again = fetchPage(1);
                CurrentUser after = checkContext();
                if (guard.isTarget(after)) {
                    break;
                }
                guard.recordViolation("after the closing read of page 1 the current workspace was "
                        + after.describeTeam());
                guard.switchAndVerify();
            }
            if (firstPageIds == null) {
                return null;
            }
            if (firstPageIds.isEmpty() && again.seen() == 0) {
                return again.total() == firstPageTotal ? null
                        : "page 1 was empty at the start and at the end, but meta.total went from " + firstPageTotal
                        + " to " + again.total();
            }
            if (sharesReply(again)) {
                return keep(List.of(again));
            }
            // A busy workspace: a whole page of new replies arrived meanwhile (the total grew) and pushed
            // the first page's replies down to page 2. Proven only if page 2, under the same fence, has them.
            if (again.total() > firstPageTotal && again.lastPage() >= 2) {
                RepliesPage second = fetchPage(2);
                CurrentUser after2 = checkContext();
                if (!guard.isTarget(after2)) {
                    return "after the closing read of page 2 the current workspace was " + after2.describeTeam();
                }
                if (sharesReply(second)) {
                    // The new page 1 shares nothing with the pass: it is not kept (the next run reads it).
                    return keep(List.of(second));
                }
            }
            return "the closing read of page 1 shares no reply with the page 1 the scan started from (meta.total "
                    + firstPageTotal + " then " + again.total() + "): the pages read may be another workspace's";
        }

        /**
         * Keeps what the proven closing read found that the pass did not: replies that arrived on page 1
         * after the pass read it (its new top), which the pass would otherwise miss until the next run.
         *
         * @return a tripwire conflict, or {@code null}
         */
        private String keep(List<RepliesPage> closing) {
            String conflict = register(closing);
            if (conflict != null) {
                return conflict;
            }
            for (RepliesPage page : closing) {
                for (Reply reply : page.interested()) {
                    replies.putIfAbsent(reply.id(), reply);
                }
                for (long id : page.replyIds()) {
                    highestReplyId = Math.max(highestReplyId, id);
                }
                if (page.total() < totalAtEnd) {
                    totalFell = true;
                }
                totalAtEnd = page.total();
            }
            return null;
        }

        private boolean sharesReply(RepliesPage page) {
            for (long id : page.replyIds()) {
                if (firstPageIds.contains(id)) {
                    return true;
                }
            }
            return false;
        }

        /** Forgets everything a discarded pass read, its tripwire entries included. */
        private void discard() {
            registered.forEach(id -> tripwire.remove(id, guard.workspaceId));
            registered.clear();
            replies.clear();
            pagesRead = 0;
            repliesSeen = 0;
            totalAtStart = null;
            totalAtEnd = 0;
            totalFell = false;
            expectedTotal = null;
            highestReplyId = 0;
            firstPageIds = null;
            firstPageTotal = 0;
            catchUp = newCatchUp();
            stoppedEarly = false;
            fallbackReason = null;
        }

        private void runPass() {
            RepliesPage carried = guard.fenced ? establish(1) : null;
            if (carried != null) {
                // Page 1 after the proven flip sets the expectation the other pages' totals must meet.
                expectedTotal = carried.total();
            }
            int next = 1;
            int lastPage = -1;
            boolean totalsRecheck = false;
            while (lastPage < 0 || next <= lastPage) {
                List<RepliesPage> group = catchUp != null ? readCatchUpGroup(next, lastPage, carried)
                        : readGroup(next, lastPage, carried);
                carried = null;
                String violation = null;
                if (guard.fenced) {
                    CurrentUser during = seenWhileReading;
                    seenWhileReading = null;
                    CurrentUser after = checkContext();
                    if (during == UNKNOWN_CONTEXT) {
                        violation = "the read-back failed while " + span(group) + " were read, so they are unproven";
                    } else if (during != null) {
                        violation = "while reading " + span(group) + " the current workspace was " + during.describeTeam();
                    } else if (!guard.isTarget(after)) {
                        violation = "after reading " + span(group) + " the current workspace was " + after.describeTeam();
                    }
                }
                if (violation == null) {
                    violation = tripwireConflict(group);
                }
                if (violation == null && guard.fenced) {
                    Set<Long> totals = new HashSet<>();
                    group.forEach(p -> totals.add(p.total()));
                    long total = group.get(0).total();
                    boolean consistent = totals.size() == 1;
                    if (!totalsRecheck) {
                        if (!consistent || (expectedTotal != null && total != expectedTotal)) {
                            // meta.total is evidence too: a page of another workspace usually shows
                            // another total. The after-check cannot tell a real change from a foreign
                            // switch away and back within the group (a read-back may run ahead of the
                            // data), so re-establish the context in full (switch, settle, verify, flip)
                            // before re-reading: only a total seen after that counts as drift. Replies
                            // arriving mid-scan are rare, so the settle is paid only then.
                            log.debug("workspace {}: meta.total {} on {} (expected {}): re-establishing the context "
                                    + "and re-reading", guard.workspaceId, totals, span(group), expectedTotal);
                            totalsRecheck = true;
                            carried = establish(next);
                            continue;
                        }
                    } else if (!consistent) {
                        violation = "meta.total differs between pages of " + span(group) + " even on a re-read: "
                                + totals;
                    } else if (expectedTotal != null && total == expectedTotal) {
                        guard.detectedAndRecovered("a first read of " + span(group) + " showed meta.total other than "
                                + expectedTotal);
                    } else {
                        log.debug("workspace {}: meta.total moved from {} to {}: replies changed during the scan",
                                guard.workspaceId, expectedTotal, total);
                    }
                }
                if (violation == null) {
                    violation = register(group);
                }
                totalsRecheck = false;
                if (violation != null) {
                    guard.recordViolation(violation);
                    if (guard.fenced) {
                        carried = establish(next);
                    }
                    continue;
                }
                guard.markRecovered();
                // The latest group's meta.last_page rules: it may grow (keep going) or shrink.
                lastPage = group.stream().mapToInt(RepliesPage::lastPage).max().orElse(lastPage);
                accept(group, lastPage);
                next = group.get(group.size() - 1).page() + 1;
                if (catchUp != null && catchUpStops(group)) {
                    stoppedEarly = next <= lastPage;
                    break;
                }
            }
        }

        /**
         * Judges an accepted group of a catch-up: on broken order, switches to a full scan (the
         * pages read so far stay accepted: they are proven, only their order was not as assumed).
         *
         * @return whether the catch-up is complete (a page of the group reached the threshold)
         */
        private boolean catchUpStops(List<RepliesPage> group) {
            String broken = catchUp.check(group);
            if (broken != null) {
                fallbackReason = broken;
                log.warn("workspace {} ({}) on {}: catch-up scan falls back to a full scan: {}", guard.workspaceId,
                        guard.name, config.instanceName(), broken);
                catchUp = null;
                return false;
            }
            return group.stream().anyMatch(catchUp::reaches);
        }

        /**
         * Reads one fence group of a catch-up: from {@code from}, in batches that double the pages
         * read so far in this scan (1, 1, 2, 4, ... up to {@code pageParallelism}), until a page holds
         * an id below the threshold, the group is full or the last page is read. Deciding on unproven
         * pages is safe: the decision only limits what is read; the group is judged again once proven.
         */
        private List<RepliesPage> readCatchUpGroup(int from, int knownLast, RepliesPage carried) {
            List<RepliesPage> group = new ArrayList<>();
            int last = knownLast;
            if (carried != null) {
                group.add(carried);
                last = Math.max(last, carried.lastPage());
            }
            int groupEnd = from + config.fenceGroupSize() - 1;
            for (;;) {
                if (group.stream().anyMatch(catchUp::reaches)) {
                    return group;
                }
                int first = from + group.size();
                int to = Math.min(groupEnd, last < 0 ? first : last);
                if (first > to) {
                    return group;
                }
                int batch = Math.max(1, Math.min(config.pageParallelism(), pagesRead + group.size()));
                List<Integer> numbers = new ArrayList<>();
                for (int p = first; p <= Math.min(to, first + batch - 1); p++) {
                    numbers.add(p);
                }
                List<RepliesPage> pages = fetchPages(numbers);
                group.addAll(pages);
                for (RepliesPage page : pages) {
                    last = Math.max(last, page.lastPage());
                }
            }
        }

        /**
         * Switches and proves the data endpoints followed: page {@code page} is read before the switch
         * (whatever the context is) and again after the verified switch; replies of two workspaces are
         * disjoint, so an overlap means the data still comes from before the switch (a server may
         * update the read-back before the data). Waits for the flip up to the verification budget;
         * data that never changes means the workspace was current already.
         */
        RepliesPage establish(int page) {
            RepliesPage probe = fetchPage(page);
            for (;;) {
                guard.switchAndVerify();
                long budget = config.verificationInterval().toNanos() * config.verificationAttempts();
                long until = System.nanoTime() + budget;
                CurrentUser other = null;
                for (int read = 1; ; read++) {
                    RepliesPage after = fetchPage(page);
                    // While we wait for the data to follow the switch, the read-back is watched too: data
                    // that changes during the wait may be another actor's switch away (and back) rather
                    // than ours arriving late, and any change passes for the flip. The first read follows
                    // the verification at once, so it needs no check of its own.
                    if (read > 1) {
                        CurrentUser user = checkContext();
                        if (!guard.isTarget(user)) {
                            other = user;
                            break;
                        }
                    }
                    if (flipped(probe, after) || System.nanoTime() >= until) {
                        return after;
                    }
                    sleep(config.verificationInterval());
                }
                guard.recordViolation("while waiting for page " + page + " to follow the switch the current workspace"
                        + " was " + other.describeTeam());
            }
        }

        private boolean flipped(RepliesPage before, RepliesPage after) {
            if (before.seen() == 0 && after.seen() == 0) {
                return before.total() != after.total();
            }
            if (before.seen() == 0 || after.seen() == 0) {
                return true;
            }
            Set<Long> ids = new HashSet<>();
            for (long id : before.replyIds()) {
                ids.add(id);
            }
            for (long id : after.replyIds()) {
                if (ids.contains(id)) {
                    return false;
                }
            }
            return true;
        }

        private List<RepliesPage> readGroup(int from, int knownLast, RepliesPage carried) {
            List<RepliesPage> group = new ArrayList<>();
            int last = knownLast;
            if (carried != null) {
                group.add(carried);
            } else if (last < 0) {
                group.add(fetchPage(from));
            }
            if (!group.isEmpty()) {
                last = Math.max(last, group.get(0).lastPage());
            }
            int first = from + group.size();
            int to = Math.min(from + config.fenceGroupSize() - 1, last);
            List<Integer> numbers = new ArrayList<>();
            for (int p = first; p <= to; p++) {
                numbers.add(p);
            }
            group.addAll(fetchPages(numbers));
            return group;
        }

        private List<RepliesPage> fetchPages(List<Integer> numbers) {
            int n = numbers.size();
            if (n == 0) {
                return List.of();
            }
            RepliesPage[] pages = new RepliesPage[n];
            RuntimeException[] errors = new RuntimeException[n];
            AtomicInteger cursor = new AtomicInteger();
            AtomicBoolean failed = new AtomicBoolean();
            CountDownLatch finished = new CountDownLatch(1);
            Future<?> watcher = guard.fenced ? pageExecutor.submit(() -> watchWhileReading(finished)) : null;
            Runnable worker = () -> {
                int i;
                while (!failed.get() && (i = cursor.getAndIncrement()) < n) {
                    try {
                        pages[i] = fetchPage(numbers.get(i));
                    } catch (RuntimeException e) {
                        errors[i] = e;
                        failed.set(true);
                    }
                }
            };
            List<Future<?>> helpers = new ArrayList<>();
            for (int k = 1; k < Math.min(config.pageParallelism(), n); k++) {
                helpers.add(pageExecutor.submit(worker));
            }
            try {
                worker.run();
                joinAll(helpers, failed);
            } finally {
                finished.countDown();
                if (watcher != null) {
                    joinAll(List.of(watcher), failed);
                }
            }
            for (RuntimeException error : errors) {
                if (error != null) {
                    throw error;
                }
            }
            return List.of(pages);
        }

        /**
         * Watches the read-back every verification interval while a fence group is read (one check per
         * interval, none for a group read faster): another actor switching away and back during a long
         * group, between the fence's before- and after-check, is then seen rather than missed, even when
         * its trailing data was what the group read. Records the first other workspace seen.
         */
        private void watchWhileReading(CountDownLatch finished) {
            long interval = Math.max(MIN_WATCH_INTERVAL.toNanos(), config.verificationInterval().toNanos());
            try {
                while (!finished.await(interval, TimeUnit.NANOSECONDS)) {
                    CurrentUser user = checkContext();
                    if (!guard.isTarget(user)) {
                        seenWhileReading = user;
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // A read-back that fails proves nothing: the group cannot count.
                seenWhileReading = UNKNOWN_CONTEXT;
                log.debug("workspace {}: read-back while reading pages failed: {}", guard.workspaceId, e.getMessage());
            }
        }

        private void joinAll(List<Future<?>> helpers, AtomicBoolean failed) {
            for (Future<?> helper : helpers) {
                try {
                    helper.get();
                } catch (InterruptedException e) {
                    failed.set(true);
                    helpers.forEach(h -> h.cancel(true));
                    Thread.currentThread().interrupt();
                    throw new BisonException("interrupted while reading pages of workspace " + guard.workspaceId, e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("page worker failed unexpectedly", e.getCause());
                }
            }
        }

        private RepliesPage fetchPage(int page) {
            Endpoint endpoint = new Endpoint("GET", REPLIES + page, guard.workspaceId, page);
            return transport.send(endpoint, key, null, true, body -> json.read(body, endpoint, root -> json.repliesPage(root, page)));
        }

        private String tripwireConflict(List<RepliesPage> group) {
            for (RepliesPage page : group) {
                for (long id : page.replyIds()) {
                    Long owner = tripwire.get(id);
                    if (owner != null && owner != guard.workspaceId) {
                        return "reply " + id + " on page " + page.page() + " was already read under workspace " + owner
                                + " by this client";
                    }
                }
            }
            return null;
        }

        /** Registers the group's reply ids; on a concurrent conflict undoes its own entries. */
        private String register(List<RepliesPage> group) {
            List<Long> added = new ArrayList<>();
            for (RepliesPage page : group) {
                for (long id : page.replyIds()) {
                    Long owner = tripwire.putIfAbsent(id, guard.workspaceId);
                    if (owner == null) {
                        added.add(id);
                    } else if (owner != guard.workspaceId) {
                        added.forEach(a -> tripwire.remove(a, guard.workspaceId));
                        return "reply " + id + " on page " + page.page() + " was already read under workspace " + owner
                                + " by this client";
                    }
                }
            }
            registered.addAll(added);
            return null;
        }

        private void accept(List<RepliesPage> group, int lastPage) {
            for (RepliesPage page : group) {
                pagesRead++;
                repliesSeen += page.seen();
                for (Reply reply : page.interested()) {
                    replies.putIfAbsent(reply.id(), reply);
                }
                for (long id : page.replyIds()) {
                    highestReplyId = Math.max(highestReplyId, id);
                }
                if (totalAtStart == null) {
                    totalAtStart = page.total();
                } else if (page.total() < totalAtEnd) {
                    totalFell = true;
                }
                if (page.page() == 1 && firstPageIds == null) {
                    firstPageIds = new HashSet<>();
                    for (long id : page.replyIds()) {
                        firstPageIds.add(id);
                    }
                    firstPageTotal = page.total();
                }
                totalAtEnd = page.total();
                expectedTotal = page.total();
                listener.onPage(new PageProgress(guard.workspaceId, page.page(), lastPage, page.seen(),
                        page.interested().size()));
            }
        }

        ScanResult result(long startedNanos) {
            String name = guard.name != null ? guard.name : names.getOrDefault(guard.workspaceId, "");
            KeyMode mode = keyModeFor(guard.workspaceId);
            ScanResult result = new ScanResult(config.instanceName(), guard.workspaceId, name, mode,
                    new ArrayList<>(replies.values()), pagesRead, repliesSeen, totalAtStart == null ? 0 : totalAtStart,
                    totalAtEnd, guard.detected, guard.recovered, !stoppedEarly,
                    Duration.ofNanos(System.nanoTime() - startedNanos), highestReplyId, fallbackReason,
                    totalFell);
            log.debug("scanned workspace {} ({}) on {}: {} pages{}, {} replies, {} interested, violations {}/{} in {} ms",
                    guard.workspaceId, name, config.instanceName(), pagesRead,
                    stoppedEarly ? " (catch-up stopped early)" : fallbackReason != null ? " (catch-up fell back)" : "",
                    repliesSeen, replies.size(), guard.detected, guard.recovered, result.duration().toMillis());
            return result;
        }

        private String span(List<RepliesPage> group) {
            int first = group.get(0).page();
            int last = group.get(group.size() - 1).page();
            return first == last ? "page " + first : "pages " + first + "-" + last;
        }
    }
}
