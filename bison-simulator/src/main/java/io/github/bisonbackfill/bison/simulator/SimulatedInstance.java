package io.github.bisonbackfill.bison.simulator;

import io.github.bisonbackfill.bison.Lead;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.Workspace;
import io.github.bisonbackfill.bison.simulator.internal.ApiKey;
import io.github.bisonbackfill.bison.simulator.internal.DataGenerator;
import io.github.bisonbackfill.bison.simulator.internal.InstanceServer;
import io.github.bisonbackfill.bison.simulator.internal.InstanceState;
import io.github.bisonbackfill.bison.simulator.internal.SimLead;
import io.github.bisonbackfill.bison.simulator.internal.SimReply;
import io.github.bisonbackfill.bison.simulator.internal.SwitcherPlan;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One simulated Email Bison instance (its own loopback port): the handle to its keys, its super-admin
 * user's current workspace, its data (ground truth for assertions) and its counters. Obtain it from
 * {@link BisonSimulator#instance(String)}.
 *
 * <p>Every method is thread-safe and may be called while requests are being served (e.g. to add
 * replies in the middle of a scan).
 */
public final class SimulatedInstance {

    private final InstanceState state;
    private final InstanceServer server;
    private final BisonSimulator simulator;

    SimulatedInstance(InstanceState state, InstanceServer server, BisonSimulator simulator) {
        this.state = state;
        this.server = server;
        this.simulator = simulator;
    }

    /**
     * The instance name given to {@link BisonSimulator.Builder#instance}.
     *
     * @return the name
     */
    public String name() {
        return state.name();
    }

    /**
     * The base URL, {@code http://127.0.0.1:<port>}, without {@code /api} (every endpoint is under
     * {@code /api}).
     *
     * @return the base URL
     */
    public String baseUrl() {
        return server.baseUrl();
    }

    /**
     * The loopback port.
     *
     * @return the port
     */
    public int port() {
        return server.port();
    }

    /**
     * The instance's super-admin user.
     *
     * @return the user
     */
    public SimulatedUser superAdmin() {
        return state.user();
    }

    /**
     * The super-admin key, {@code <id>|<secret>} (test data: not a real secret, but never logged by
     * the simulator).
     *
     * @return the bearer token
     */
    public String superAdminKey() {
        return state.superAdminKey().token();
    }

    /**
     * Mints an api-user key scoped to one workspace directly (no HTTP call, no request logged).
     *
     * @param workspaceId the workspace
     * @return the bearer token {@code <id>|<secret>}
     * @throws IllegalArgumentException if the workspace does not exist
     */
    public String mintApiUserKey(long workspaceId) {
        return mintApiUserKey(workspaceId, "test key");
    }

    /**
     * Mints a named api-user key scoped to one workspace directly.
     *
     * @param workspaceId the workspace
     * @param name        the key name
     * @return the bearer token
     * @throws IllegalArgumentException if the workspace does not exist
     */
    public String mintApiUserKey(long workspaceId, String name) {
        Objects.requireNonNull(name, "name");
        return state.mintApiUserKey(workspaceId, name).token();
    }

    /**
     * Mints another super-admin key of the same user (it shares the user's current workspace).
     *
     * @return the bearer token
     */
    public String mintSuperAdminKey() {
        return state.mintSuperAdminKey("super-admin").token();
    }

    /**
     * Revokes a key: later requests with it get 401.
     *
     * @param token the bearer token {@code <id>|<secret>}
     * @return {@code true} if it was a valid key of this instance
     */
    public boolean revokeKey(String token) {
        Objects.requireNonNull(token, "token");
        ApiKey key = state.byToken(token);
        return key != null && state.revoke(key.id());
    }

    /**
     * The id part of a key of this instance, as the request log records it.
     *
     * @param token the bearer token
     * @return its id
     * @throws IllegalArgumentException if it is not a valid key of this instance
     */
    public long keyId(String token) {
        ApiKey key = state.byToken(Objects.requireNonNull(token, "token"));
        if (key == null) {
            throw new IllegalArgumentException("not a valid key of instance " + name());
        }
        return key.id();
    }

    /**
     * The workspaces, in creation order.
     *
     * @return the workspaces
     */
    public List<Workspace> workspaces() {
        return state.workspaces();
    }

    /**
     * One workspace.
     *
     * @param workspaceId the id
     * @return the workspace
     * @throws IllegalArgumentException if it does not exist
     */
    public Workspace workspace(long workspaceId) {
        return state.workspace(workspaceId).orElseThrow(
                () -> new IllegalArgumentException("instance " + name() + " has no workspace " + workspaceId));
    }

    /**
     * Ground truth: every reply of a workspace (every folder), newest first (ids descending).
     *
     * @param workspaceId the workspace
     * @return the replies as {@link Reply} values
     * @throws IllegalArgumentException if the workspace does not exist
     */
    public List<Reply> replies(long workspaceId) {
        return toReplies(state.replies(workspaceId));
    }

    /**
     * Ground truth: the replies of a workspace with {@code interested == true} (every folder),
     * newest first. This is what a correct scan must return, one per reply id.
     *
     * @param workspaceId the workspace
     * @return the interested replies
     * @throws IllegalArgumentException if the workspace does not exist
     */
    public List<Reply> interestedReplies(long workspaceId) {
        return toReplies(state.replies(workspaceId, SimReply::interested));
    }

    /**
     * Ground truth: the distinct emails (trimmed, lower-cased) of the workspace's interested,
     * tracked replies' leads, plus untracked replies' from-addresses: the rows a dedup by email
     * should produce. Addresses that are not usable (blank, missing or invalid, as the
     * {@linkplain BisonSimulator.Builder#badAddressReplies bad-address replies} have) are left out:
     * a dedup rejects them (see {@link #isUsableEmail(String)}).
     *
     * @param workspaceId the workspace
     * @return the normalised emails
     */
    public Set<String> interestedEmails(long workspaceId) {
        Set<String> out = new LinkedHashSet<>();
        for (SimReply r : state.replies(workspaceId, SimReply::interested)) {
            String email = r.lead() != null ? r.lead().email() : r.fromEmail();
            if (DataGenerator.usableEmail(email)) {
                out.add(email.trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /**
     * The simulator's notion of a usable email, the one {@link #interestedEmails(long)} applies: after
     * trimming whitespace, exactly one {@code @}, a non-empty local part, a domain with a dot and no
     * empty label at either end or {@code ..}, no whitespace, control or {@code <>()[],;:"\}
     * character inside, at most 254 characters. It agrees with backfill-core's
     * {@code EmailNormalizer} on every address the simulator generates (backfill-core's tests check
     * this); it does not unwrap {@code Name <addr>} or {@code mailto:} forms, which the simulator
     * never generates.
     *
     * @param email an email, may be {@code null}
     * @return whether it is usable
     */
    public static boolean isUsableEmail(@Nullable String email) {
        return DataGenerator.usableEmail(email);
    }

    /**
     * The workspace a reply id belongs to on this instance. Builds a snapshot of every reply per call:
     * to check many rows, take {@link #replyWorkspaces()} once.
     *
     * @param replyId the reply id
     * @return its workspace, empty if no such reply
     */
    public OptionalLong workspaceOfReply(long replyId) {
        Long ws = state.replyWorkspaces().get(replyId);
        return ws == null ? OptionalLong.empty() : OptionalLong.of(ws);
    }

    /**
     * Ground truth for audits of many rows: every reply id of this instance and its workspace, as a
     * snapshot taken now.
     *
     * @return reply id → workspace id (unmodifiable)
     */
    public Map<Long, Long> replyWorkspaces() {
        return state.replyWorkspaces();
    }

    /**
     * Ground truth: a lead by id (full, as {@code GET /api/leads/{id}} serves it).
     *
     * @param leadId the lead id
     * @return the lead, if any
     */
    public Optional<Lead> lead(long leadId) {
        return state.lead(String.valueOf(leadId)).map(SimLead::toLead);
    }

    /**
     * Adds {@code count} interested replies received now; they get the highest ids and so appear on
     * page 1, shifting the others to later pages. Callable at any time, e.g. mid-scan or from an
     * {@link BisonSimulator#onServed} trigger.
     *
     * @param workspaceId the workspace
     * @param count       how many, not negative
     * @return the new replies
     * @throws IllegalArgumentException if the workspace does not exist or count is negative
     */
    public List<Reply> addReplies(long workspaceId, int count) {
        return addReplies(workspaceId, count, true);
    }

    /**
     * Adds {@code count} replies received now, interested or not.
     *
     * @param workspaceId the workspace
     * @param count       how many, not negative
     * @param interested  interested replies, or not-interested ones (some automated)
     * @return the new replies
     * @throws IllegalArgumentException if the workspace does not exist or count is negative
     */
    public List<Reply> addReplies(long workspaceId, int count, boolean interested) {
        return toReplies(state.addReplies(workspaceId, count, interested));
    }

    /**
     * Removes the {@code count} newest replies of a workspace (every later item shifts up a place,
     * so a scan in progress misses items).
     *
     * @param workspaceId the workspace
     * @param count       how many (fewer if there are fewer)
     * @return the removed replies
     * @throws IllegalArgumentException if the workspace does not exist
     */
    public List<Reply> removeNewestReplies(long workspaceId, int count) {
        return toReplies(state.removeNewestReplies(workspaceId, count));
    }

    /**
     * Removes one reply.
     *
     * @param replyId the reply id
     * @return whether it existed
     */
    public boolean removeReply(long replyId) {
        return state.removeReply(replyId);
    }

    /**
     * Sets the order in which {@code GET /api/replies} serves the replies of every workspace of this
     * instance, replacing earlier per-workspace settings. Default {@link ReplyOrder#NEWEST_FIRST}.
     * Takes effect from the next request; ground-truth methods stay newest first.
     *
     * @param order the order
     * @throws NullPointerException if {@code order} is {@code null}
     */
    public void replyOrder(ReplyOrder order) {
        state.replyOrder(Objects.requireNonNull(order, "order"));
    }

    /**
     * Sets the order in which {@code GET /api/replies} serves one workspace's replies, e.g.
     * {@code replyOrder(37, ReplyOrder.SHUFFLED)} to make a catch-up scan of workspace 37 fall back
     * to a full scan. Takes effect from the next request.
     *
     * @param workspaceId the workspace
     * @param order       the order
     * @throws IllegalArgumentException if the workspace does not exist
     * @throws NullPointerException     if {@code order} is {@code null}
     */
    public void replyOrder(long workspaceId, ReplyOrder order) {
        state.replyOrder(workspaceId, Objects.requireNonNull(order, "order"));
    }

    /**
     * The super-admin user's current workspace as the data endpoints see it now (after lag).
     *
     * @return the workspace id
     */
    public long currentWorkspaceId() {
        return state.userContext().effective(state.settings().clock().instant());
    }

    /**
     * The workspace of the latest switch, whether it has taken effect or not.
     *
     * @return the workspace id
     */
    public long requestedWorkspaceId() {
        return state.userContext().requested();
    }

    /**
     * Switches the super-admin user as another actor would (a person in the web UI): same lag as
     * an API switch, counted as a foreign switch, no request logged.
     *
     * @param workspaceId the target workspace
     * @return when the switch takes effect (simulator clock)
     * @throws IllegalArgumentException if the workspace does not exist
     */
    public Instant switchUserTo(long workspaceId) {
        workspace(workspaceId);
        return state.switchUser(workspaceId, true);
    }

    /**
     * Starts (or restarts with a new interval) a foreign switcher on this instance: a daemon thread
     * that switches the super-admin user to a random other workspace after exponentially
     * distributed pauses of the given mean. It stops on {@link #stopForeignSwitcher()} or when the
     * simulator closes.
     *
     * @param meanInterval the mean pause, positive
     * @throws IllegalArgumentException if {@code meanInterval} is not positive
     */
    public void startForeignSwitcher(Duration meanInterval) {
        Objects.requireNonNull(meanInterval, "meanInterval");
        state.startForeignSwitcher(meanInterval);
    }

    /**
     * Starts (or restarts) a bouncing foreign switcher on this instance (see
     * {@link BisonSimulator.Builder#foreignSwitcher(Duration, Duration, Duration, Duration)}).
     *
     * @param minInterval shortest pause before a switch away, positive
     * @param maxInterval longest pause, not below {@code minInterval}
     * @param minBack     shortest stay before switching back, positive
     * @param maxBack     longest stay, not below {@code minBack}
     * @throws IllegalArgumentException on a non-positive or inverted range
     */
    public void startForeignSwitcher(Duration minInterval, Duration maxInterval, Duration minBack, Duration maxBack) {
        state.startForeignSwitcher(SwitcherPlan.bouncing(minInterval, maxInterval, minBack, maxBack));
    }

    /** Stops the foreign switcher, if running. */
    public void stopForeignSwitcher() {
        state.stopForeignSwitcher();
    }

    /**
     * The counters of this instance.
     *
     * @return a snapshot
     */
    public SimulatorCounters counters() {
        return state.counters();
    }

    /** Resets the counters of this instance to zero. */
    public void resetCounters() {
        state.resetCounters();
    }

    /**
     * The request log entries of this instance, oldest first.
     *
     * @return a snapshot
     */
    public List<RecordedRequest> requestLog() {
        return simulator.requestLog().stream().filter(r -> r.instance().equals(name())).toList();
    }

    /**
     * The request log entries of this instance that match a predicate.
     *
     * @param filter the predicate
     * @return a snapshot, oldest first
     */
    public List<RecordedRequest> requestLog(Predicate<RecordedRequest> filter) {
        return requestLog().stream().filter(filter).toList();
    }

    @Override
    public String toString() {
        return "SimulatedInstance[" + name() + " at " + baseUrl() + "]";
    }

    private static List<Reply> toReplies(List<SimReply> replies) {
        return replies.stream().map(SimReply::toReply).toList();
    }

    void close() {
        state.stopForeignSwitcher();
        server.close();
    }

    InstanceState state() {
        return state;
    }
}
