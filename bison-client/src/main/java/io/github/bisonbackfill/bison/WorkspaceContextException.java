package io.github.bisonbackfill.bison;

import org.jspecify.annotations.Nullable;

/**
 * The client could not prove that data belongs to the workspace asked for, so it returned none: a
 * switch that was never confirmed, the current workspace changing under a read and staying wrong
 * after the allowed recoveries, a reply seen under two workspaces, or a per-workspace key that
 * belongs to another workspace. The message names the workspace (id and name), what was observed
 * and the likely cause.
 */
public class WorkspaceContextException extends BisonException {
    private static final long serialVersionUID = 1L;

    private final long workspaceId;
    private final @Nullable String workspaceName;
    private final String observed;
    private final String likelyCause;
    private final boolean retryable;

    /**
     * Creates an exception that a later attempt would meet again (not {@link #retryable()}).
     *
     * @param workspaceId   the workspace asked for
     * @param workspaceName its name if known, else {@code null}
     * @param observed      what the client saw instead (e.g. "current workspace is 12 (Acme)")
     * @param likelyCause   the likely cause and what to do
     */
    public WorkspaceContextException(long workspaceId, @Nullable String workspaceName, String observed, String likelyCause) {
        this(workspaceId, workspaceName, observed, likelyCause, false);
    }

    /**
     * Creates an exception; the message is composed from the parts.
     *
     * @param workspaceId   the workspace asked for
     * @param workspaceName its name if known, else {@code null}
     * @param observed      what the client saw instead (e.g. "current workspace is 12 (Acme)")
     * @param likelyCause   the likely cause and what to do
     * @param retryable     whether a later attempt may succeed (the context could not be proven under a
     *                      super-admin key, e.g. while another actor switched the user), as opposed to
     *                      a per-workspace key that belongs to another workspace
     */
    public WorkspaceContextException(long workspaceId, @Nullable String workspaceName, String observed, String likelyCause,
                                     boolean retryable) {
        super("workspace " + workspaceId + (workspaceName == null ? "" : " (" + workspaceName + ")")
                + ": " + observed + "; " + likelyCause);
        this.workspaceId = workspaceId;
        this.workspaceName = workspaceName;
        this.observed = observed;
        this.likelyCause = likelyCause;
        this.retryable = retryable;
    }

    /**
     * Returns whether a later attempt may succeed: {@code true} when the super-admin context could
     * not be proven in time (another actor switching the user, data that kept changing), {@code false}
     * when a configured per-workspace key belongs to another workspace (a configuration error).
     */
    public boolean retryable() {
        return retryable;
    }

    /** Returns the workspace asked for. */
    public long workspaceId() {
        return workspaceId;
    }

    /** Returns the workspace's name if it was known, else {@code null}. */
    public @Nullable String workspaceName() {
        return workspaceName;
    }

    /** Returns what the client observed instead of the workspace asked for. */
    public String observed() {
        return observed;
    }

    /** Returns the likely cause and what to do about it. */
    public String likelyCause() {
        return likelyCause;
    }
}
