/**
 * The workspace-safe Email Bison client: {@link io.github.bisonbackfill.bison.BisonClient} (one per
 * instance), its values ({@code Reply}, {@code Lead}, {@code ScanResult}, {@code Workspace}, ...), the scan
 * options and listener, the session lock and key store, the public reply reader {@code BisonReplies}, and
 * the unchecked {@code BisonException} hierarchy. Every type here is API; the rest lives in {@code .internal}.
 *
 * <p>Nullness: everything is non-null unless marked {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package io.github.bisonbackfill.bison;

import org.jspecify.annotations.NullMarked;
