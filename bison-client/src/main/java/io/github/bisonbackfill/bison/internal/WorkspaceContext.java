package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.BisonException;
import io.github.bisonbackfill.bison.BisonServiceException;
import io.github.bisonbackfill.bison.SessionLock;
import io.github.bisonbackfill.bison.Workspace;
import io.github.bisonbackfill.bison.internal.BisonJson.CurrentUser;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The super-admin user's current workspace as one client reaches it: the session lock, the switch,
 * the read-back ({@code GET /api/users}), the workspace names learnt on the way, and single requests
 * fenced by the context (switch, verify, request, watch). The per-operation proof lives in
 * {@link ContextGuard}. Thread-safe.
 */
@SuppressWarnings("try") // the session lock's lease is held for the try block, never read
final class WorkspaceContext {
    /** Logs under the engine's name, the one logging configurations name. */
    private static final Logger log = LoggerFactory.getLogger(BisonEngine.class);

    private final ClientConfig config;
    private final Transport transport;
    private final BisonJson json;
    private final EngineCounters counters;
    private final ConcurrentMap<Long, String> names = new ConcurrentHashMap<>();
    private final Object userIdLock = new Object();
    private volatile @Nullable Long superAdminUserId;
    private final AtomicBoolean closed = new AtomicBoolean();

    WorkspaceContext(ClientConfig config, Transport transport, BisonJson json, EngineCounters counters) {
        this.config = config;
        this.transport = transport;
        this.json = json;
        this.counters = counters;
    }

    ClientConfig config() {
        return config;
    }

    EngineCounters counters() {
        return counters;
    }

    /** Marks the client closed; returns whether it was open. */
    boolean close() {
        return closed.compareAndSet(false, true);
    }

    /** Refuses work once the client is closed. */
    void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("BisonClient for " + config.instanceName() + " is closed");
        }
    }

    /** Returns the workspace's name as last seen, or {@code null}. */
    @Nullable String name(long workspaceId) {
        return names.get(workspaceId);
    }

    void rememberName(long workspaceId, String name) {
        names.put(workspaceId, name);
    }

    /** A new guard for one operation on one workspace, {@code fenced} for the super-admin key. */
    ContextGuard guard(long workspaceId, @Nullable String name, boolean fenced) {
        return new ContextGuard(this, workspaceId, name, fenced);
    }

    /** Lists the workspaces with the super-admin key and remembers their names. */
    List<Workspace> listWorkspaces(ApiKey key) {
        ensureOpen();
        Endpoint endpoint = new Endpoint("GET", "/api/workspaces/v1.1", null, null);
        List<Workspace> workspaces = transport.send(endpoint, key, null, true, body -> json.read(body, endpoint, json::workspaces));
        workspaces.forEach(w -> names.put(w.id(), w.name()));
        return workspaces;
    }

    /** The workspace's name for a message: as seen, else looked up (best effort), else {@code null}. */
    @Nullable String nameFor(long workspaceId) {
        String name = names.get(workspaceId);
        if (name == null && config.superAdminKey() != null) {
            try {
                listWorkspaces(config.superAdminKey());
                name = names.get(workspaceId);
            } catch (BisonException e) {
                log.debug("could not look up the name of workspace {} for a message: {}", workspaceId, e.getMessage());
            }
        }
        return name;
    }

    /** Reads back the user and current workspace of {@code key} (counted as a context check). */
    CurrentUser currentUser(ApiKey key, @Nullable Long workspaceId) {
        counters.contextChecked();
        Endpoint endpoint = new Endpoint("GET", "/api/users", workspaceId, null);
        return transport.send(endpoint, key, null, true, body -> json.read(body, endpoint, json::currentUser));
    }

    /** Reads back the super-admin user's current workspace. */
    CurrentUser checkContext() {
        return currentUser(config.superAdminKey(), null);
    }

    /** Sends {@code switch-workspace}; the caller verifies it. */
    void switchTo(long workspaceId) {
        counters.switched();
        Endpoint endpoint = new Endpoint("POST", "/api/workspaces/v1.1/switch-workspace", workspaceId, null);
        // Switching sets state to a value: repeating it is harmless, so it may be retried.
        transport.send(endpoint, config.superAdminKey(), json.write(Map.of("team_id", workspaceId)), true);
    }

    /** Takes the session lock of the super-admin user on this instance. */
    SessionLock.Lease lockSession() {
        long userId = superAdminUserId();
        try {
            return config.sessionLock().acquire(config.instanceIdentity(), userId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BisonException("interrupted while waiting for the session lock of user " + userId + " on "
                    + config.instanceName(), e);
        }
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

    /**
     * Runs a single request for a workspace with the super-admin key, under the lock: switch and
     * verify, the request, then the read-back watched through the settle delay; repeated (bounded)
     * until the watch confirms the context.
     */
    <T> T fencedCall(long workspaceId, Function<ApiKey, T> call) {
        try (SessionLock.Lease ignored = lockSession()) {
            ContextGuard guard = guard(workspaceId, names.get(workspaceId), true);
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

    /** Returns the client's monotonic time (see {@link Timing}). */
    long nanoTime() {
        return config.timing().nanoTime();
    }

    /** Waits on the client's {@link Timing}; an interrupt ends the operation. */
    void sleep(Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            return;
        }
        try {
            config.timing().sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BisonException("interrupted while waiting", e);
        }
    }
}
