/**
 * The Supabase (PostgREST) writer: {@link io.github.bisonbackfill.supabase.SupabaseWriter} for batched,
 * idempotent upserts with per-row error reports, exact counts and paged reads; its options
 * ({@code UpsertOptions}, {@code Resolution}, {@code DuplicateRule}, {@code Filter}), results
 * ({@code UpsertResult}, {@code RejectedRow}, {@code PostgrestError}) and the unchecked
 * {@code SupabaseException} hierarchy.
 *
 * <p>Nullness: everything is non-null unless marked {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package io.github.bisonbackfill.supabase;

import org.jspecify.annotations.NullMarked;
