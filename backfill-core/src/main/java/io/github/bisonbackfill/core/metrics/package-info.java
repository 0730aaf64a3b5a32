/**
 * Micrometer adapters for the backfill's progress events and the webhook handler's outcomes.
 * Micrometer is an optional dependency: nothing else refers to this package, so it is loaded only by
 * users who add Micrometer themselves. See {@code docs/metrics.md}.
 *
 * <p>Nullness: everything is non-null unless marked {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package io.github.bisonbackfill.core.metrics;

import org.jspecify.annotations.NullMarked;
