/**
 * The writer's machinery: the REST client with its retry layer, row preparation and batching, the
 * bisecting write call, PostgREST error parsing, redaction of keys, and the argument checks shared by
 * the builders ({@code Check}).
 *
 * <p><b>Not API.</b> Nothing here is part of the library's public contract: no compatibility
 * promise, and any type or method may change or disappear in any release. Use the public package instead.
 */
@NullMarked
package io.github.bisonbackfill.supabase.internal;

import org.jspecify.annotations.NullMarked;
