package io.github.bisonbackfill.bison;

/**
 * Totals of the workspace-safety machinery of one {@link BisonClient} since it was built. A
 * snapshot: later work does not change it.
 *
 * @param violationsDetected  context violations detected (wrong current workspace after a read, an
 *                            unconfirmed switch, an inconsistent {@code meta.total}, a reply seen
 *                            under two workspaces, a per-workspace key of another workspace)
 * @param violationsRecovered violations recovered by discarding the unproven pages and re-reading
 * @param contextFailures     operations that ended in {@link WorkspaceContextException}
 * @param switches            workspace switches sent
 * @param contextChecks       current-workspace read-backs ({@code GET /api/users}) for verification
 *                            and fences
 */
public record SafetyCounters(long violationsDetected, long violationsRecovered, long contextFailures,
                             long switches, long contextChecks) {
}
