package io.github.bisonbackfill.bison;

import io.github.bisonbackfill.bison.internal.ApiKey;
import io.github.bisonbackfill.bison.internal.BisonEngine;
import io.github.bisonbackfill.bison.internal.Check;
import io.github.bisonbackfill.bison.internal.ClientConfig;
import io.github.bisonbackfill.bison.internal.LibraryVersion;
import io.github.bisonbackfill.bison.internal.Timing;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.jspecify.annotations.Nullable;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A workspace-safe client of one Email Bison <em>instance</em> (one base URL). Immutable,
 * thread-safe and {@link AutoCloseable}: it owns one HTTP client, one JSON mapper and a few daemon
 * threads, released by {@link #close()}.
 *
 * <pre>{@code
 * try (BisonClient client = BisonClient.builder()
 *         .baseUrl("https://send.agency.example")          // "/api" is added by the library
 *         .superAdminKey(System.getenv("BISON_KEY"))        // and/or per-workspace api-user keys
 *         .workspaceKey(37, System.getenv("BISON_KEY_37"))
 *         .build()) {
 *     ScanResult scan = client.scanInterestedReplies(37);
 *     scan.replies().forEach(r -> System.out.println(r.id() + " " + r.fromEmailAddress()));
 * }
 * }</pre>
 *
 * <p><b>Key modes.</b> A workspace with its own {@code api-user} key is read with it
 * ({@link KeyMode#API_USER_KEY}): no switching, workspaces read concurrently, the key's workspace
 * proven once by a read-back. Any other workspace is read with the super-admin key
 * ({@link KeyMode#SUPER_ADMIN_SWITCHING}): under a {@link SessionLock} the user's current
 * workspace is switched, the switch verified, and every group of pages fenced by a check of the
 * current workspace before and after it; {@code meta.total} and a reply-id tripwire serve as
 * further evidence. Data that cannot be proven to belong to the workspace asked for is discarded
 * and re-read (bounded), else the call fails with {@link WorkspaceContextException}. The switch
 * itself is never public.
 *
 * <p><b>Errors.</b> All exceptions are unchecked {@link BisonException}s; I/O errors, 429 and
 * 502/503/504 are retried (honouring {@code Retry-After}), other statuses are not. No key ever
 * appears in a log line, an exception message or a {@code toString()}.
 */
public final class BisonClient implements AutoCloseable {

    /** Default bound of one HTTP attempt (connect, send, whole response): 30 s. */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(30);
    /** Default bound of one call including all retries, backoff and client-side waits: 2 min. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(2);
    /** Default attempts per call, the first included: 5. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Default first backoff delay, doubled per retry, with jitter: 500 ms. */
    public static final Duration DEFAULT_RETRY_BASE_DELAY = Duration.ofMillis(500);
    /** Default cap of computed backoff delays: 30 s. A server's {@code Retry-After} is honoured even when longer. */
    public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofSeconds(30);
    /**
     * Default client-side rate limit per key: 10 requests/second (600/minute). Email Bison publishes
     * no limit; third-party claims range from 100 to 3,000 requests/minute. A 429 is still handled.
     */
    public static final double DEFAULT_REQUESTS_PER_SECOND = 10.0;
    /** Default maximum of concurrent requests per key: 4. */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 4;
    /**
     * Default wait after a workspace switch before the client verifies it and reads: 2 s.
     *
     * <p>Why 2 s, the seed's value, although the client verifies: verification (polling
     * {@code GET /api/users} until the target shows) proves a switch only on a server whose read-back
     * and data endpoints change together. Email Bison's read-back is inferred, not documented, and
     * production notes say a switch "may take 1–2 seconds to fully switch context". If the read-back
     * runs ahead of the data, only time proves that our switch, and any switch another actor made
     * just before it, has reached the data endpoints. Once it has, the page fences catch every later
     * switch whose data was read (its read-back changes before the after-check), so the delay is paid
     * once per switch, never per page or per client as the seed's sleeps were. The data-flip check
     * (page 1 must differ from a page read before the switch), the {@code meta.total} evidence and the
     * reply-id tripwire detect most lags longer than this, but cannot prove their absence, so the
     * default covers the whole documented range. On a server known to switch read-back and data
     * together, 0–250 ms is safe: verification then does the waiting. With api-user keys there is no
     * switch and no delay at all.
     */
    public static final Duration DEFAULT_SWITCH_SETTLE_DELAY = Duration.ofSeconds(2);
    /** Default read-backs of the current workspace after a switch before it counts as unconfirmed: 10. */
    public static final int DEFAULT_VERIFICATION_ATTEMPTS = 10;
    /** Default wait between read-backs: 250 ms (with the defaults, verification ends at most 4.25 s after the switch). */
    public static final Duration DEFAULT_VERIFICATION_INTERVAL = Duration.ofMillis(250);
    /** Default number of pages of one workspace fetched at once: 4 (the default per-key concurrency). */
    public static final int DEFAULT_PAGE_PARALLELISM = 4;
    /**
     * Default pages per fence under a super-admin key: 8. One fence costs one {@code GET /api/users}
     * after the group (it also serves as the next group's before-check), so the overhead is 1/8 =
     * 12.5% of the page requests, while a violation discards at most 8 pages.
     */
    public static final int DEFAULT_FENCE_GROUP_SIZE = 8;
    /**
     * Default recovery rounds <em>without progress</em> per operation before giving up: 6. A round
     * is what happens between two violations (switch, verify, read, fence); one that proved at least
     * one more fence group is progress and does not count. With the waits below, 6 rounds span about
     * a minute of waiting (1 + 2 + 4 + 8 + 16 + 20 s, jittered, plus the re-switches), which outlasts a
     * person clicking through a few workspaces in the web UI; measured in docs/benchmarks.md
     * ("Finishing under production faults").
     */
    public static final int DEFAULT_MAX_CONTEXT_RECOVERIES = 6;
    /**
     * Default time an operation may go without proving a fence group before it gives up: 3 minutes.
     * Bounds a workspace under a switcher that never pauses long enough for a proof (every 0.2-1.2 s),
     * which the round count alone would bound only through its waits.
     */
    public static final Duration DEFAULT_CONTEXT_RECOVERY_BUDGET = Duration.ofMinutes(3);
    /** Default first wait before a recovery that follows a round without progress: 1 s (then doubled, jittered). */
    public static final Duration DEFAULT_CONTEXT_RECOVERY_BASE_DELAY = Duration.ofSeconds(1);
    /** Default cap of the waits between recovery rounds without progress: 20 s. */
    public static final Duration DEFAULT_CONTEXT_RECOVERY_MAX_DELAY = Duration.ofSeconds(20);
    /**
     * The User-Agent every request carries unless {@link Builder#httpClientCustomizer} sets another:
     * {@code bison-backfill/<version> (bison-client)}.
     */
    public static final String USER_AGENT = "bison-backfill/" + LibraryVersion.VERSION + " (bison-client)";

    private final ClientConfig config;
    private final BisonEngine engine;
    /** Every setting this client was built with, for {@link #toBuilder()} (holds the keys: never shown). */
    private final Builder settings;

    private BisonClient(ClientConfig config, Builder settings) {
        this.config = config;
        this.settings = settings;
        this.engine = new BisonEngine(config);
    }

    /** Returns a new builder; {@link Builder#baseUrl(String)} and at least one key are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a new builder pre-filled with every setting of this client, keys included (the builder's
     * {@code toString()} never shows them), so that a variant is one call away:
     * {@code client.toBuilder().requestsPerSecond(5).build()}. The new client shares this one's
     * {@link SessionLock}, {@link ApiKeyStore} and customizer objects, not its HTTP client or counters.
     * Changing the builder does not change this client.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(settings);
    }

    /**
     * Returns every interested reply of a workspace, each read under a context proven to be that
     * workspace. Equivalent to {@code scanInterestedReplies(workspaceId, ScanOptions.defaults())}.
     *
     * @param workspaceId the workspace
     * @return the replies with {@code interested == true}, one per id, and how they were obtained
     * @throws WorkspaceContextException if the data could not be proven to belong to the workspace
     * @throws BisonException            if a page stays broken (the scan never returns short)
     * @throws IllegalArgumentException  if no key reaches the workspace
     */
    public ScanResult scanInterestedReplies(long workspaceId) {
        return engine.scan(workspaceId, ScanOptions.defaults());
    }

    /**
     * Returns every interested reply of a workspace ({@code GET /api/replies?status=interested&folder=all}),
     * reading every page up to {@code meta.last_page} (which may grow during the scan) and keeping
     * only replies with {@code interested == true}, one per id, in the order first read. Pages hold
     * 15 replies whatever {@code per_page} says; no page is skipped silently. Under a super-admin
     * key the session lock is held for the whole scan.
     *
     * <p>With {@link ScanOptions.Builder#catchUp(long, long)} the scan reads pages in order only
     * until one holds a reply id below the high-water mark minus the margin, verifying on every
     * page that replies are listed newest first; where they are not, it reads every page and says
     * why in {@link ScanResult#fallbackReason()}. Every workspace-safety check applies unchanged.
     *
     * @param workspaceId the workspace
     * @param options     the scan's options
     * @return the scan
     * @throws WorkspaceContextException if the data could not be proven to belong to the workspace
     * @throws BisonException            if a page stays broken
     * @throws IllegalArgumentException  if no key reaches the workspace
     */
    public ScanResult scanInterestedReplies(long workspaceId, ScanOptions options) {
        return engine.scan(workspaceId, options);
    }

    /**
     * Returns the instance's workspaces ({@code GET /api/workspaces/v1.1}). Needs the super-admin key;
     * no switching.
     *
     * @return the workspaces in the server's order
     * @throws IllegalStateException if no super-admin key is configured
     * @throws BisonException        on any failure
     */
    public List<Workspace> listWorkspaces() {
        return engine.listWorkspaces();
    }

    /**
     * Returns the size of a workspace's interested listing: {@code meta.total} of its first page
     * ({@code status=interested}, every folder), one request. A figure for planning (e.g. starting
     * the largest workspaces first), not data: it counts replies before the {@code interested} filter
     * and may change a moment later. Under a super-admin key the call goes through the lock, switch,
     * verification and a fence, like {@link #stats}.
     *
     * @param workspaceId the workspace
     * @return the number of replies the listing reports
     * @throws IllegalArgumentException  if no key reaches the workspace
     * @throws WorkspaceContextException if the context could not be proven
     * @throws BisonException            on any other failure
     */
    public long interestedTotal(long workspaceId) {
        return engine.interestedTotal(workspaceId);
    }

    /**
     * Returns a workspace's statistics for a date range ({@code GET /api/workspaces/v1.1/stats}).
     * Under a super-admin key the call goes through the lock, switch, verification and a fence.
     *
     * @param workspaceId  the workspace
     * @param start        first day, inclusive
     * @param endInclusive last day, inclusive
     * @return the statistics (numbers sent as strings are parsed; absent ones read as 0)
     * @throws IllegalArgumentException  if {@code endInclusive} is before {@code start} or no key reaches it
     * @throws WorkspaceContextException if the context could not be proven
     * @throws BisonException            on any other failure
     */
    public WorkspaceStats stats(long workspaceId, LocalDate start, LocalDate endInclusive) {
        return engine.stats(workspaceId, start, endInclusive);
    }

    /**
     * Returns a lead of a workspace by id or email ({@code GET /api/leads/{idOrEmail}}, URL-encoded).
     * Under a super-admin key the call goes through the lock, switch, verification and a fence.
     *
     * @param workspaceId the workspace
     * @param idOrEmail   the lead's id or email (trimmed)
     * @return the lead, or empty when the server answers 404 in the proven workspace
     * @throws IllegalArgumentException  if {@code idOrEmail} is blank or no key reaches the workspace
     * @throws BisonAuthException        on 403 (the lead may be in another workspace)
     * @throws WorkspaceContextException if the context could not be proven
     * @throws BisonException            on any other failure
     */
    public Optional<Lead> lead(long workspaceId, String idOrEmail) {
        return engine.lead(workspaceId, idOrEmail);
    }

    /**
     * Creates an {@code api-user} key for a workspace with the super-admin key, without switching
     * ({@code POST /api/workspaces/v1.1/{id}/api-tokens}). Not retried after an ambiguous failure
     * (an I/O error after sending, 5xx): the key may have been created; list the workspace's keys
     * in the web UI before minting again. A 429 or a refused connection is retried.
     *
     * @param workspaceId the workspace
     * @param name        the key's name, e.g. {@code "bison-backfill"}
     * @return the key; its token is shown only once and never by {@code toString()}
     * @throws IllegalStateException    if no super-admin key is configured
     * @throws IllegalArgumentException if {@code name} is blank
     * @throws BisonException           on any failure
     */
    public MintedKey mintApiUserKey(long workspaceId, String name) {
        return engine.mintApiUserKey(workspaceId, name);
    }

    /** Returns a snapshot of this client's workspace-safety counters since it was built. */
    public SafetyCounters safetyCounters() {
        return engine.safetyCounters();
    }

    /**
     * Returns how this client reaches a workspace: its own configured key wins, then a key of the
     * {@linkplain Builder#keyStore key store} (stored, or minted on first use), then the super-admin
     * key.
     *
     * @param workspaceId the workspace
     * @return the key mode
     * @throws IllegalArgumentException if no key reaches the workspace
     */
    public KeyMode keyModeFor(long workspaceId) {
        return engine.keyModeFor(workspaceId);
    }

    /** Returns the instance name: the configured label, by default the base URL's host. */
    public String instanceName() {
        return config.instanceName();
    }

    /**
     * Returns the configured base URL as normalised by the builder: scheme and host lower-cased, port
     * and path kept, without a trailing slash and without the {@code /api} suffix the library adds
     * (e.g. {@code "https://send.agency.example"} for {@code "HTTPS://Send.Agency.example/api/"}).
     * It contains no credential. Useful to derive inbox links or to register the instance elsewhere.
     *
     * @return the base URL, never {@code null}
     */
    public String baseUrl() {
        return config.baseUri().toString();
    }

    /** Returns how many HTTP attempts this client has started, retries and safety checks included. */
    public int requestsSent() {
        return engine.requestsSent();
    }

    /** Releases the HTTP client and threads; idempotent. Calls after closing throw {@link IllegalStateException}. */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "BisonClient[instance=" + config.instanceName() + ", baseUrl=" + config.baseUri() + ", workspaceKeys="
                + new TreeMap<>(config.workspaceKeys()).keySet() + ", superAdminKey="
                + (config.superAdminKey() == null ? "none" : "<redacted>") + "]";
    }

    /**
     * Mutable builder of {@link BisonClient}. Not thread-safe. Setters validate their argument;
     * {@link #build()} checks the combination and fails fast.
     */
    public static final class Builder {
        private @Nullable String baseUrl;
        private @Nullable String instanceName;
        private boolean allowInsecureHttp;
        private final Map<Long, String> workspaceKeys = new TreeMap<>();
        private @Nullable String superAdminKey;
        private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
        private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration retryBaseDelay = DEFAULT_RETRY_BASE_DELAY;
        private Duration retryMaxDelay = DEFAULT_RETRY_MAX_DELAY;
        private double requestsPerSecond = DEFAULT_REQUESTS_PER_SECOND;
        private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
        private Duration switchSettleDelay = DEFAULT_SWITCH_SETTLE_DELAY;
        private int verificationAttempts = DEFAULT_VERIFICATION_ATTEMPTS;
        private Duration verificationInterval = DEFAULT_VERIFICATION_INTERVAL;
        private int pageParallelism = DEFAULT_PAGE_PARALLELISM;
        private int fenceGroupSize = DEFAULT_FENCE_GROUP_SIZE;
        private int maxContextRecoveries = DEFAULT_MAX_CONTEXT_RECOVERIES;
        private Duration contextRecoveryBudget = DEFAULT_CONTEXT_RECOVERY_BUDGET;
        private Duration contextRecoveryBaseDelay = DEFAULT_CONTEXT_RECOVERY_BASE_DELAY;
        private Duration contextRecoveryMaxDelay = DEFAULT_CONTEXT_RECOVERY_MAX_DELAY;
        private @Nullable ApiKeyStore keyStore;
        private boolean replaceRejectedStoredKeys;
        private SessionLock sessionLock = SessionLock.inJvm();
        private Consumer<HttpClientBuilder> httpClientCustomizer = b -> { };
        /** Not a public option: tests of this package hand in a fake to run waits in milliseconds. */
        private Timing timing = Timing.SYSTEM;

        private Builder() {
        }

        /** A copy of {@code other}: every field (a test compares them all). */
        private Builder(Builder other) {
            this.baseUrl = other.baseUrl;
            this.instanceName = other.instanceName;
            this.allowInsecureHttp = other.allowInsecureHttp;
            this.workspaceKeys.putAll(other.workspaceKeys);
            this.superAdminKey = other.superAdminKey;
            this.attemptTimeout = other.attemptTimeout;
            this.callTimeout = other.callTimeout;
            this.maxAttempts = other.maxAttempts;
            this.retryBaseDelay = other.retryBaseDelay;
            this.retryMaxDelay = other.retryMaxDelay;
            this.requestsPerSecond = other.requestsPerSecond;
            this.maxConcurrentRequests = other.maxConcurrentRequests;
            this.switchSettleDelay = other.switchSettleDelay;
            this.verificationAttempts = other.verificationAttempts;
            this.verificationInterval = other.verificationInterval;
            this.pageParallelism = other.pageParallelism;
            this.fenceGroupSize = other.fenceGroupSize;
            this.maxContextRecoveries = other.maxContextRecoveries;
            this.contextRecoveryBudget = other.contextRecoveryBudget;
            this.contextRecoveryBaseDelay = other.contextRecoveryBaseDelay;
            this.contextRecoveryMaxDelay = other.contextRecoveryMaxDelay;
            this.keyStore = other.keyStore;
            this.replaceRejectedStoredKeys = other.replaceRejectedStoredKeys;
            this.sessionLock = other.sessionLock;
            this.timing = other.timing;
            this.httpClientCustomizer = other.httpClientCustomizer;
        }

        /**
         * Sets the instance's base URL, e.g. {@code https://send.agency.example}; {@code /api} is added
         * by the library (a trailing {@code /api} given here is tolerated). Required. Plain
         * {@code http://} is refused at {@link #build()} unless the host is loopback or
         * {@link #allowInsecureHttp(boolean)} is set.
         *
         * @param baseUrl the base URL
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Check.notNull("baseUrl", baseUrl);
            return this;
        }

        /**
         * Sets the label used in messages, reports and results. Default: the base URL's host.
         *
         * @param instanceName the label
         * @return this builder
         */
        public Builder instanceName(String instanceName) {
            this.instanceName = Check.notBlank("instanceName", instanceName).trim();
            return this;
        }

        /**
         * Allows plain {@code http://} to a non-loopback host, sending keys unencrypted. Default:
         * {@code false}.
         *
         * @param allow whether to allow it
         * @return this builder
         */
        public Builder allowInsecureHttp(boolean allow) {
            this.allowInsecureHttp = allow;
            return this;
        }

        /**
         * Adds a workspace's own {@code api-user} key; it wins over the super-admin key for that
         * workspace. Surrounding whitespace is trimmed.
         *
         * @param workspaceId the workspace (positive)
         * @param key         the key, {@code <id>|<secret>}
         * @return this builder
         * @throws IllegalArgumentException if the id is not positive or the key blank or malformed
         */
        public Builder workspaceKey(long workspaceId, String key) {
            Check.atLeast("workspace id", workspaceId, 1);
            workspaceKeys.put(workspaceId, checkKey(key, "workspaceKey for workspace " + workspaceId));
            return this;
        }

        /**
         * Adds several workspace keys, as {@link #workspaceKey(long, String)} does for each.
         *
         * @param keys workspace id → key
         * @return this builder
         */
        public Builder workspaceKeys(Map<Long, String> keys) {
            Check.notNull("workspaceKeys", keys).forEach((id, key) -> workspaceKey(Check.notNull("workspace id", id), key));
            return this;
        }

        /**
         * Sets the super-admin key, used for workspaces without their own key (with switching under
         * the session lock), for {@link BisonClient#listWorkspaces()} and for minting keys.
         *
         * @param key the key, {@code <id>|<secret>}; surrounding whitespace is trimmed
         * @return this builder
         * @throws IllegalArgumentException if the key is blank or malformed
         */
        public Builder superAdminKey(String key) {
            this.superAdminKey = checkKey(key, "superAdminKey");
            return this;
        }

        /**
         * Sets the bound of one HTTP attempt (connect, send and the whole response). Default
         * {@link #DEFAULT_ATTEMPT_TIMEOUT}.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder attemptTimeout(Duration timeout) {
            this.attemptTimeout = Check.positive("attemptTimeout", timeout);
            return this;
        }

        /**
         * Sets the bound of one call including retries, backoff and client-side waits. Default
         * {@link #DEFAULT_CALL_TIMEOUT}.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = Check.positive("callTimeout", timeout);
            return this;
        }

        /**
         * Sets the attempts per call, the first included (1 disables retries). Default
         * {@link #DEFAULT_MAX_ATTEMPTS}.
         *
         * @param attempts at least 1
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = Check.atLeast("maxAttempts", attempts, 1);
            return this;
        }

        /**
         * Sets the first backoff delay, doubled per retry with jitter. Default
         * {@link #DEFAULT_RETRY_BASE_DELAY}.
         *
         * @param delay a non-negative duration
         * @return this builder
         */
        public Builder retryBaseDelay(Duration delay) {
            this.retryBaseDelay = Check.notNegative("retryBaseDelay", delay);
            return this;
        }

        /**
         * Sets the cap of computed backoff delays ({@code Retry-After} is honoured beyond it, within
         * the call timeout). Default {@link #DEFAULT_RETRY_MAX_DELAY}.
         *
         * @param delay a non-negative duration
         * @return this builder
         */
        public Builder retryMaxDelay(Duration delay) {
            this.retryMaxDelay = Check.notNegative("retryMaxDelay", delay);
            return this;
        }

        /**
         * Sets the client-side rate limit per key, retries and safety checks included. Default
         * {@link #DEFAULT_REQUESTS_PER_SECOND}.
         *
         * @param perSecond requests per second, positive (fractions allowed)
         * @return this builder
         */
        public Builder requestsPerSecond(double perSecond) {
            this.requestsPerSecond = Check.positiveFinite("requestsPerSecond", perSecond);
            return this;
        }

        /**
         * Sets the maximum of concurrent requests per key. Default {@link #DEFAULT_MAX_CONCURRENT_REQUESTS}.
         *
         * @param max at least 1
         * @return this builder
         */
        public Builder maxConcurrentRequests(int max) {
            this.maxConcurrentRequests = Check.atLeast("maxConcurrentRequests", max, 1);
            return this;
        }

        /**
         * Sets the wait after a switch before verifying it. Default {@link #DEFAULT_SWITCH_SETTLE_DELAY}
         * (see there why).
         *
         * @param delay a non-negative duration
         * @return this builder
         */
        public Builder switchSettleDelay(Duration delay) {
            this.switchSettleDelay = Check.notNegative("switchSettleDelay", delay);
            return this;
        }

        /**
         * Sets how many read-backs of the current workspace confirm a switch before it counts as
         * unconfirmed. Default {@link #DEFAULT_VERIFICATION_ATTEMPTS}.
         *
         * @param attempts at least 1
         * @return this builder
         */
        public Builder verificationAttempts(int attempts) {
            this.verificationAttempts = Check.atLeast("verificationAttempts", attempts, 1);
            return this;
        }

        /**
         * Sets the wait between read-backs. Also the polling interval of the data-flip check, which
         * waits up to {@code verificationAttempts x verificationInterval} for the first page to differ
         * from the one read before the switch (data that never changes means the workspace was
         * current already).
         * Default {@link #DEFAULT_VERIFICATION_INTERVAL}.
         *
         * @param interval a non-negative duration
         * @return this builder
         */
        public Builder verificationInterval(Duration interval) {
            this.verificationInterval = Check.notNegative("verificationInterval", interval);
            return this;
        }

        /**
         * Sets how many pages of one workspace are fetched at once. Default
         * {@link #DEFAULT_PAGE_PARALLELISM}.
         *
         * @param pages at least 1
         * @return this builder
         */
        public Builder pageParallelism(int pages) {
            this.pageParallelism = Check.atLeast("pageParallelism", pages, 1);
            return this;
        }

        /**
         * Sets how many pages one fence covers under a super-admin key. Default
         * {@link #DEFAULT_FENCE_GROUP_SIZE}.
         *
         * @param pages at least 1
         * @return this builder
         */
        public Builder fenceGroupSize(int pages) {
            this.fenceGroupSize = Check.atLeast("fenceGroupSize", pages, 1);
            return this;
        }

        /**
         * Sets the recovery rounds without progress per operation before failing with
         * {@link WorkspaceContextException}. After a violation the unproven data is discarded, the
         * client switches again and re-reads; a round that proves at least one more fence group is
         * progress and does not count (every group proven stays proven). Rounds that count are
         * preceded by a jittered exponential wait ({@link #contextRecoveryBaseDelay},
         * {@link #contextRecoveryMaxDelay}). Default {@link #DEFAULT_MAX_CONTEXT_RECOVERIES}.
         *
         * @param recoveries at least 0
         * @return this builder
         */
        public Builder maxContextRecoveries(int recoveries) {
            this.maxContextRecoveries = (int) Check.notNegative("maxContextRecoveries", recoveries);
            return this;
        }

        /**
         * Turns on per-workspace keys minted on demand (opt-in: it creates credentials in the
         * customer's Email Bison account, and the Email Bison API has no endpoint to revoke them; a
         * minted key lives until someone deletes it in the web UI). A workspace without a configured
         * {@link #workspaceKey} is then read with its key from {@code store}; when the store has none,
         * one is minted with the super-admin key ({@code POST .../api-tokens}, no switching), saved to
         * the store <em>before</em> it is used, read back and verified like a configured key, and
         * used from then on: later runs never switch for that workspace. At most one key per
         * workspace per store, also across processes sharing a file store. Needs a super-admin key.
         * A stored key that answers 401 fails the workspace with {@link BisonAuthException} unless
         * {@link #replaceRejectedStoredKeys(boolean)} is on. Default: none (no minting).
         *
         * @param store the store, e.g. {@link ApiKeyStore#file(java.nio.file.Path)}; {@code null} turns it off
         * @return this builder
         */
        public Builder keyStore(@Nullable ApiKeyStore store) {
            this.keyStore = store;
            return this;
        }

        /**
         * Sets whether a key from the {@linkplain #keyStore key store} that Email Bison answers with 401
         * (deleted or revoked in the web UI) is replaced by a newly minted one (the CLI's
         * {@code --force}). Default {@code false}: the workspace fails and the report says so, since
         * minting creates one more credential in the customer's account.
         *
         * @param replace whether to replace
         * @return this builder
         */
        public Builder replaceRejectedStoredKeys(boolean replace) {
            this.replaceRejectedStoredKeys = replace;
            return this;
        }

        /**
         * Sets how long an operation may go without proving a fence group (counted from its start or
         * its latest proof) before it fails with {@link WorkspaceContextException}. Default
         * {@link #DEFAULT_CONTEXT_RECOVERY_BUDGET}.
         *
         * @param budget positive
         * @return this builder
         */
        public Builder contextRecoveryBudget(Duration budget) {
            this.contextRecoveryBudget = Check.positive("contextRecoveryBudget", budget);
            return this;
        }

        /**
         * Sets the first wait before a recovery round that follows a round without progress; each
         * further such round doubles it (jittered: half fixed, half random), up to
         * {@link #contextRecoveryMaxDelay}. Default {@link #DEFAULT_CONTEXT_RECOVERY_BASE_DELAY}.
         *
         * @param delay zero or positive
         * @return this builder
         */
        public Builder contextRecoveryBaseDelay(Duration delay) {
            this.contextRecoveryBaseDelay = Check.notNegative("contextRecoveryBaseDelay", delay);
            return this;
        }

        /**
         * Sets the cap of the waits between recovery rounds without progress. Default
         * {@link #DEFAULT_CONTEXT_RECOVERY_MAX_DELAY}.
         *
         * @param delay zero or positive
         * @return this builder
         */
        public Builder contextRecoveryMaxDelay(Duration delay) {
            this.contextRecoveryMaxDelay = Check.notNegative("contextRecoveryMaxDelay", delay);
            return this;
        }

        /**
         * Sets the session lock for super-admin switching. Default {@link SessionLock#inJvm()}; use
         * {@link SessionLock#fileLock(java.nio.file.Path)} when several processes on one host share a
         * super-admin user.
         *
         * @param lock the lock
         * @return this builder
         */
        public Builder sessionLock(SessionLock lock) {
            this.sessionLock = Check.notNull("sessionLock", lock);
            return this;
        }

        /**
         * Customises the Apache HttpClient 5 the client builds: the one place where HttpClient types
         * are exposed, for an explicit proxy, another User-Agent, interceptors or
         * {@code httpclient5-observation} (see {@code docs/metrics.md}). Called once, in {@link #build()},
         * after the library configured the builder (connection pool and timeouts, no automatic retries,
         * no redirects, no cookies, {@link HttpClientBuilder#useSystemProperties() system properties} for
         * the proxy, {@link BisonClient#USER_AGENT}). Default: nothing. Do not replace the connection
         * manager or enable retries or redirects there: the library's timeouts, its single retry layer
         * and its refusal to follow redirects depend on them.
         *
         * @param customizer called with the builder
         * @return this builder
         */
        public Builder httpClientCustomizer(Consumer<HttpClientBuilder> customizer) {
            this.httpClientCustomizer = Check.notNull("httpClientCustomizer", customizer);
            return this;
        }

        /** Test hook, package-private on purpose: where the client reads time and waits. */
        Builder timing(Timing timing) {
            this.timing = Check.notNull("timing", timing);
            return this;
        }

        /**
         * Builds the client.
         *
         * @return a new client; close it when done
         * @throws IllegalStateException if {@code baseUrl} or every key is missing, or the URL is
         *                               invalid or insecure
         */
        public BisonClient build() {
            if (baseUrl == null) {
                throw new IllegalStateException("baseUrl is required");
            }
            if (superAdminKey == null && workspaceKeys.isEmpty()) {
                throw new IllegalStateException("a superAdminKey or at least one workspaceKey is required");
            }
            if (retryMaxDelay.compareTo(retryBaseDelay) < 0) {
                throw new IllegalStateException("retryMaxDelay " + retryMaxDelay + " is below retryBaseDelay "
                        + retryBaseDelay);
            }
            if (keyStore != null && superAdminKey == null) {
                throw new IllegalStateException("a keyStore mints keys with the super-admin key: set superAdminKey too");
            }
            URI uri = normalise(baseUrl, allowInsecureHttp);
            Map<Long, ApiKey> keys = new TreeMap<>();
            workspaceKeys.forEach((id, key) -> keys.put(id, new ApiKey(key, "workspaceKey(" + id + ")")));
            ClientConfig config = new ClientConfig(uri, instanceName != null ? instanceName : uri.getHost(), keys,
                    superAdminKey == null ? null : new ApiKey(superAdminKey, "superAdminKey"), attemptTimeout,
                    callTimeout, maxAttempts, retryBaseDelay, retryMaxDelay, requestsPerSecond, maxConcurrentRequests,
                    switchSettleDelay, verificationAttempts, verificationInterval, pageParallelism, fenceGroupSize,
                    maxContextRecoveries, contextRecoveryBudget, contextRecoveryBaseDelay, contextRecoveryMaxDelay,
                    keyStore, replaceRejectedStoredKeys, sessionLock, timing, httpClientCustomizer);
            return new BisonClient(config, new Builder(this));
        }

        @Override
        public String toString() {
            String shownUrl;
            try {
                shownUrl = baseUrl == null ? "none" : normalise(baseUrl, true).toString();
            } catch (RuntimeException invalid) {
                shownUrl = "<invalid>";
            }
            return "BisonClient.Builder[baseUrl=" + shownUrl + ", instanceName=" + instanceName + ", workspaceKeys="
                    + workspaceKeys.keySet() + ", superAdminKey=" + (superAdminKey == null ? "none" : "<redacted>") + "]";
        }

        private static URI normalise(String baseUrl, boolean allowInsecureHttp) {
            URI uri;
            try {
                uri = new URI(baseUrl.trim());
            } catch (URISyntaxException e) {
                // The input is not echoed: a key passed here by mistake must not reach a message.
                throw new IllegalStateException("baseUrl is not a valid URL: " + e.getReason() + " at index " + e.getIndex());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http")) {
                throw new IllegalStateException("baseUrl must start with https:// (got "
                        + (uri.getScheme() == null ? "no scheme" : "scheme \"" + uri.getScheme() + "\"") + ")");
            }
            if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                throw new IllegalStateException("baseUrl must be scheme://host[:port][/path] without user info, "
                        + "query or fragment (got \"" + uri.getScheme() + "://" + uri.getHost() + "...\")");
            }
            String host = uri.getHost().toLowerCase(Locale.ROOT);
            if (scheme.equals("http") && !allowInsecureHttp && !isLoopback(host)) {
                throw new IllegalStateException("baseUrl uses plain http:// to " + host + ": keys would travel "
                        + "unencrypted; use https:// or allowInsecureHttp(true)");
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            if (path.endsWith("/api")) {
                path = path.substring(0, path.length() - "/api".length());
            }
            // A default port is dropped: the URL names the instance (session lock, reports), and
            // https://x and https://x:443 are one instance.
            int port = uri.getPort();
            boolean defaultPort = (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
            return URI.create(scheme + "://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
                    + (port >= 0 && !defaultPort ? ":" + port : "") + path);
        }

        private static boolean isLoopback(String host) {
            return host.equals("localhost") || host.equals("[::1]") || host.equals("::1")
                    || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
        }

        private static String checkKey(String key, String what) {
            String trimmed = Check.notNull(what, key).trim();
            if (trimmed.isEmpty()) {
                throw new IllegalArgumentException(what + " is blank");
            }
            for (int i = 0; i < trimmed.length(); i++) {
                char c = trimmed.charAt(i);
                if (Character.isWhitespace(c) || Character.isISOControl(c) || c > 0x7e) {
                    // Said without the key itself: it must not reach a message.
                    throw new IllegalArgumentException(what + " contains whitespace, control or non-ASCII "
                            + "characters at position " + i + "; expected <id>|<secret>");
                }
            }
            return trimmed;
        }
    }
}
