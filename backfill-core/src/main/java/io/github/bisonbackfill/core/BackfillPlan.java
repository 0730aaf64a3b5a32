package io.github.bisonbackfill.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The clients a {@link BackfillOrchestrator} processes, in order. Validated on construction: client
 * names are unique (also ignoring case, since dashboards and people compare names that way), and no
 * workspace appears twice (it would be written under two names). Whether every instance is known is
 * checked by the orchestrator. Immutable.
 *
 * <pre>{@code
 * BackfillPlan plan = BackfillPlan.of(
 *     new ClientSpec("Harbor Insurance", "alpha", 37),
 *     new ClientSpec("O'Brien & Sons, LLC", "beta", 12));
 * }</pre>
 *
 * @param clients the clients, in processing order; not empty
 */
public record BackfillPlan(List<ClientSpec> clients) {
    /**
     * @throws NullPointerException     if {@code clients} or an element is {@code null}
     * @throws IllegalArgumentException if the plan is empty, or names or workspaces repeat; the message
     *                                  lists every problem and names the clients
     */
    public BackfillPlan {
        Objects.requireNonNull(clients, "clients");
        for (int i = 0; i < clients.size(); i++) {
            Objects.requireNonNull(clients.get(i), "client at index " + i + " is null");
        }
        clients = List.copyOf(clients);
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("a backfill plan needs at least one client");
        }
        List<String> problems = new ArrayList<>();
        Map<String, ClientSpec> byName = new HashMap<>();
        Map<String, ClientSpec> byWorkspace = new HashMap<>();
        for (ClientSpec c : clients) {
            ClientSpec same = byName.putIfAbsent(c.name().toLowerCase(Locale.ROOT), c);
            if (same != null) {
                problems.add(same.name().equals(c.name())
                        ? "client name '" + c.name() + "' appears twice (" + same.instance() + "/" + same.workspaceId()
                                + " and " + c.instance() + "/" + c.workspaceId() + ")"
                        : "client names '" + same.name() + "' and '" + c.name() + "' differ only in case");
            }
            ClientSpec sameWs = byWorkspace.putIfAbsent(c.instance() + "/" + c.workspaceId(), c);
            if (sameWs != null) {
                problems.add("workspace " + c.instance() + "/" + c.workspaceId() + " is planned twice, as '"
                        + sameWs.name() + "' and '" + c.name() + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid backfill plan: " + String.join("; ", problems));
        }
    }

    /**
     * @param clients the clients, in processing order
     * @return the plan
     * @throws IllegalArgumentException see {@link #BackfillPlan(List)}
     */
    public static BackfillPlan of(List<ClientSpec> clients) {
        return new BackfillPlan(clients);
    }

    /**
     * @param clients the clients, in processing order
     * @return the plan
     * @throws IllegalArgumentException see {@link #BackfillPlan(List)}
     */
    public static BackfillPlan of(ClientSpec... clients) {
        return new BackfillPlan(List.of(clients));
    }

    /**
     * The sub-plan of the named clients, in this plan's order.
     *
     * @param names client names (exact)
     * @return the sub-plan
     * @throws IllegalArgumentException if a name is not in this plan, or {@code names} is empty
     */
    public BackfillPlan only(Set<String> names) {
        Set<String> missing = new LinkedHashSet<>(names);
        List<ClientSpec> selected = new ArrayList<>();
        for (ClientSpec c : clients) {
            if (missing.remove(c.name())) {
                selected.add(c);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("no client named " + missing.stream().map(n -> "'" + n + "'").toList()
                    + " in the plan; planned: " + clients.stream().map(ClientSpec::name).toList());
        }
        return new BackfillPlan(selected);
    }
}
