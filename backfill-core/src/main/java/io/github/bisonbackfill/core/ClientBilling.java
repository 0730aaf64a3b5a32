package io.github.bisonbackfill.core;

import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Objects;

/**
 * One client of a {@link BillingReport}: its counts in each window.
 *
 * @param client the client
 * @param counts one entry per window of the report, same order; empty when {@code error} is set
 * @param error  why the client could not be counted (no credentials), else {@code null}
 */
public record ClientBilling(ClientKey client, List<BillingCounts> counts, @Nullable ErrorInfo error) {
    /** @throws NullPointerException if {@code client} is {@code null} */
    public ClientBilling {
        Objects.requireNonNull(client, "client");
        counts = counts == null ? List.of() : List.copyOf(counts);
    }
}
