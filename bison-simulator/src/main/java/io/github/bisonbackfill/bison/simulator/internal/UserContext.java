package io.github.bisonbackfill.bison.simulator.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The server-side "current workspace" of one user, with switch propagation lag. Switches take effect
 * in the order they were made: each becomes effective at {@code max(request time + lag, the
 * previous switch's effective time)}. Thread-safe.
 */
public final class UserContext {

    private record Pending(long workspaceId, Instant effectiveAt) {
    }

    private final Deque<Pending> pending = new ArrayDeque<>();
    private long effective;
    private long requested;
    private Instant lastEffectiveAt = Instant.MIN;

    /**
     * Creates the context.
     *
     * @param initialWorkspace the workspace current at start
     */
    public UserContext(long initialWorkspace) {
        this.effective = initialWorkspace;
        this.requested = initialWorkspace;
    }

    private void promote(Instant now) {
        while (!pending.isEmpty() && !pending.peekFirst().effectiveAt().isAfter(now)) {
            effective = pending.pollFirst().workspaceId();
        }
    }

    /**
     * Records a switch.
     *
     * @param workspaceId the target
     * @param now         the request time
     * @param lag         the propagation lag of this switch
     * @return when it takes effect
     */
    public synchronized Instant switchTo(long workspaceId, Instant now, java.time.Duration lag) {
        promote(now);
        Instant at = now.plus(lag);
        if (at.isBefore(lastEffectiveAt)) {
            at = lastEffectiveAt;
        }
        lastEffectiveAt = at;
        requested = workspaceId;
        pending.addLast(new Pending(workspaceId, at));
        promote(now);
        return at;
    }

    /**
     * The workspace the data endpoints serve at {@code now}.
     *
     * @param now the serve time
     * @return the effective workspace id
     */
    public synchronized long effective(Instant now) {
        promote(now);
        return effective;
    }

    /**
     * The workspace of the latest switch, effective or not.
     *
     * @return the requested workspace id
     */
    public synchronized long requested() {
        return requested;
    }
}
