/**
 * The simulator's machinery: per-instance state, generated leads and replies, the fault registry,
 * foreign switchers, token buckets and the HTTP handlers.
 *
 * <p><b>Not API.</b> Nothing here is part of the library's public contract: no compatibility
 * promise, and any type or method may change or disappear in any release. Use the public package instead.
 */
@NullMarked
package io.github.bisonbackfill.bison.simulator.internal;

import org.jspecify.annotations.NullMarked;
