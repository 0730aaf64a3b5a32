/**
 * The backfill: {@link io.github.bisonbackfill.core.BackfillOrchestrator} copies interested leads of a
 * plan of clients from Email Bison into {@code client_leads}, with dedup ({@code LeadDedup},
 * {@code EmailNormalizer}), the row mapping ({@code ClientLeadMapper}), the schema
 * ({@code ClientLeadsSchema}), checkpoints, progress events, reports, reconciliation and billing counts.
 *
 * <p>Nullness: everything is non-null unless marked {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package io.github.bisonbackfill.core;

import org.jspecify.annotations.NullMarked;
