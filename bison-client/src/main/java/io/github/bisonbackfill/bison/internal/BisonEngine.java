package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.BisonAuthException;
import io.github.bisonbackfill.bison.BisonNotFoundException;
import io.github.bisonbackfill.bison.KeyMode;
import io.github.bisonbackfill.bison.Lead;
import io.github.bisonbackfill.bison.MintedKey;
import io.github.bisonbackfill.bison.SafetyCounters;
import io.github.bisonbackfill.bison.ScanOptions;
import io.github.bisonbackfill.bison.ScanResult;
import io.github.bisonbackfill.bison.SessionLock;
import io.github.bisonbackfill.bison.Workspace;
import io.github.bisonbackfill.bison.WorkspaceContextException;
import io.github.bisonbackfill.bison.WorkspaceStats;
import io.github.bisonbackfill.bison.internal.BisonJson.CurrentUser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The implementation behind {@code BisonClient}: the endpoints and key modes, coordinating the
 * workspace-safety machinery — {@link WorkspaceContext} (session lock, switch, read-back, fenced
 * single requests), {@link ContextGuard} (settle, verification, bounded recovery of one operation),
 * {@link Scan} with its {@link ScanPass} and {@link PageFetcher} (fence groups, data-flip check,
 * total evidence, closing read), {@link ReplyTripwire} and {@link EngineCounters}. Thread-safe.
 */
@SuppressWarnings("try") // the session lock's lease is held for the try block, never read
public final class BisonEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BisonEngine.class);
    /** The name of keys minted into a key store, as the web UI lists them. */
    static final String MINTED_KEY_NAME = "bison-backfill";

    private final ClientConfig config;
    private final Transport transport;
    private final BisonJson json;
    private final ExecutorService pageExecutor;
    private final EngineCounters counters = new EngineCounters();
    private final ReplyTripwire tripwire = new ReplyTripwire();
    private final WorkspaceContext context;
    private final ConcurrentMap<Long, Workspace> verifiedKeys = new ConcurrentHashMap<>();
    /** Keys of workspaces read from the key store or minted into it, by workspace. */
    private final ConcurrentMap<Long, ApiKey> storedKeys = new ConcurrentHashMap<>();
    /** Workspaces whose key this engine minted. */
    private final Set<Long> minted = ConcurrentHashMap.newKeySet();
    private final Redactor redactor;

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
        this.context = new WorkspaceContext(config, transport, json, counters);
        this.pageExecutor = Executors.newCachedThreadPool(DaemonThreads.named("bison-" + config.instanceName() + "-pages"));
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
        context.ensureOpen();
        long started = config.timing().nanoTime();
        KeyMode mode = keyModeFor(workspaceId);
        if (mode.isApiUserKey()) {
            ApiKey key = apiUserKey(workspaceId);
            Workspace confirmed = verifiedKeys.get(workspaceId);
            return scan(context.guard(workspaceId, confirmed.name(), false), key, options, started);
        }
        try (SessionLock.Lease ignored = context.lockSession()) {
            return scan(context.guard(workspaceId, context.name(workspaceId), true), config.superAdminKey(), options,
                    started);
        }
    }

    private ScanResult scan(ContextGuard guard, ApiKey key, ScanOptions options, long started) {
        PageFetcher pages = new PageFetcher(transport, json, pageExecutor, guard, key, config);
        Scan scan = new Scan(context, guard, tripwire, pages, options);
        scan.run();
        return scan.result(started, keyModeFor(guard.workspaceId));
    }

    /** See {@code BisonClient#listWorkspaces}. */
    public List<Workspace> listWorkspaces() {
        context.ensureOpen();
        return context.listWorkspaces(requireSuperAdmin("listWorkspaces"));
    }

    /** {@code meta.total} of the first page of the interested listing; see {@code BisonClient.interestedTotal}. */
    public long interestedTotal(long workspaceId) {
        context.ensureOpen();
        return workspaceCall(workspaceId, key -> PageFetcher.read(transport, json, key, workspaceId, 1).total());
    }

    /** See {@code BisonClient#stats}. */
    public WorkspaceStats stats(long workspaceId, LocalDate start, LocalDate end) {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("end " + end + " is before start " + start);
        }
        context.ensureOpen();
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
        context.ensureOpen();
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
        context.ensureOpen();
        ApiKey key = requireSuperAdmin("mintApiUserKey");
        Endpoint endpoint = new Endpoint("POST", "/api/workspaces/v1.1/" + workspaceId + "/api-tokens", workspaceId, null);
        // Not idempotent (each call creates a key): sent again only if it certainly never reached the server.
        return transport.send(endpoint, key, json.write(Map.of("name", name)), false,
                body -> json.read(body, endpoint, root -> json.mintedKey(root, workspaceId, name)));
    }

    /** See {@code BisonClient#safetyCounters}. */
    public SafetyCounters safetyCounters() {
        return counters.snapshot();
    }

    @Override
    public void close() {
        if (context.close()) {
            pageExecutor.shutdownNow();
            transport.close();
        }
    }

    // ---- keys ----------------------------------------------------------------------------------

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
        return context.fencedCall(workspaceId, call);
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
        CurrentUser user = context.currentUser(key, workspaceId);
        if (user.teamId() == null || user.teamId() != workspaceId) {
            counters.violationDetected();
            counters.contextFailure();
            String observed = user.teamId() == null
                    ? "the read-back of its api-user key (GET /api/users) shows no current workspace"
                    : "its configured api-user key belongs to workspace " + user.describeTeam();
            throw new WorkspaceContextException(workspaceId, context.name(workspaceId), observed,
                    "refusing to read with it: check workspaceKey(" + workspaceId + ", ...) or mint a key for this "
                            + "workspace with mintApiUserKey");
        }
        Workspace confirmed = new Workspace(workspaceId, user.teamName() == null ? "" : user.teamName());
        context.rememberName(workspaceId, confirmed.name());
        verifiedKeys.put(workspaceId, confirmed);
        return confirmed;
    }
}
