/**
 * The framework-neutral handler of Email Bison's {@code lead_interested} webhook:
 * {@link io.github.bisonbackfill.core.webhook.WebhookHandler} maps a delivery through the same
 * {@code ClientLeadMapper} as the backfill and upserts it; {@code WebhookOutcome} says what happened.
 * See {@code docs/webhooks.md}.
 *
 * <p>Nullness: everything is non-null unless marked {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package io.github.bisonbackfill.core.webhook;

import org.jspecify.annotations.NullMarked;
