package io.github.bisonbackfill.core;

import java.util.List;
import java.util.Objects;

/**
 * The result of {@link BackfillOrchestrator#billing}: interested leads per client and window, from
 * Supabase ({@code client_leads} rows by {@code date_received}) and from a fresh Email Bison scan
 * (replies, and unique leads by their winning reply's date: the same rule as the rows).
 *
 * @param windows the windows counted
 * @param clients per client, in plan order
 */
public record BillingReport(List<BillingWindow> windows, List<ClientBilling> clients) {
    /** @throws NullPointerException if an argument is {@code null} */
    public BillingReport {
        windows = List.copyOf(windows);
        clients = List.copyOf(clients);
    }

    /**
     * @param name a client name
     * @return that client's entry
     * @throws IllegalArgumentException if no client has that name
     */
    public ClientBilling client(String name) {
        Objects.requireNonNull(name, "name");
        return clients.stream().filter(c -> c.client().clientName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no client named '" + name + "' in this report"));
    }

    /** Whether every client was counted. */
    public boolean complete() {
        return clients.stream().allMatch(c -> c.error() == null);
    }
}
