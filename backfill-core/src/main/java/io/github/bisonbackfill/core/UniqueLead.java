package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.Reply;

import java.util.Objects;

/**
 * One lead after {@link LeadDedup}: its normalised email and the reply that won for it.
 *
 * @param email the normalised email (see {@link EmailNormalizer}), the {@code lead_email} column
 * @param reply the winning reply (highest reply id among those with this email)
 */
public record UniqueLead(String email, Reply reply) {
    public UniqueLead {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(reply, "reply");
    }
}
