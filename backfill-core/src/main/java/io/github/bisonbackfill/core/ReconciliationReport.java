package io.github.bisonbackfill.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The result of {@link BackfillOrchestrator#reconcile(BackfillPlan)}: per client, distinct
 * interested emails in Email Bison against rows in Supabase, with zero tolerance. JSON-serialisable
 * with any Jackson mapper that has the {@code java.time} module; contains no credentials.
 *
 * @param checkedAt when the check started
 * @param clients   per client, in plan order
 */
public record ReconciliationReport(Instant checkedAt, List<ClientReconciliation> clients) {
    /** @throws NullPointerException if an argument is {@code null} */
    public ReconciliationReport {
        Objects.requireNonNull(checkedAt, "checkedAt");
        clients = List.copyOf(clients);
    }

    /** Whether every client was compared and matches exactly. */
    public boolean allMatch() {
        return clients.stream().allMatch(ClientReconciliation::matches);
    }

    /** The clients that do not match or could not be compared. */
    public List<ClientReconciliation> mismatches() {
        return clients.stream().filter(c -> !c.matches()).toList();
    }
}
