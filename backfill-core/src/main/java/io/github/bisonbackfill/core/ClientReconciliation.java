package io.github.bisonbackfill.core;

import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * One client of a {@link ReconciliationReport}.
 *
 * @param client         the client
 * @param workspaceName  the workspace name Email Bison confirmed during the scan, or {@code null}
 * @param reconciliation the comparison, or {@code null} when it could not be made
 * @param error          why it could not be made (no credentials), else {@code null}
 */
public record ClientReconciliation(ClientKey client, @Nullable String workspaceName,
                                   @Nullable Reconciliation reconciliation, @Nullable ErrorInfo error) {
    /**
     * @throws NullPointerException     if {@code client} is {@code null}
     * @throws IllegalArgumentException if neither or both of {@code reconciliation} and {@code error} are given
     */
    public ClientReconciliation {
        Objects.requireNonNull(client, "client");
        if ((reconciliation == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of reconciliation and error is needed (" + client + ")");
        }
    }

    /** Whether the comparison was made and Supabase holds exactly one row per distinct Email Bison email. */
    public boolean matches() {
        return reconciliation != null && reconciliation.matches();
    }
}
