/**
 * The client's machinery: the engine that switches, verifies and fences workspaces, the HTTP transport
 * with its retry layer and rate limits, JSON parsing, the key-store implementations, redaction of keys,
 * and the argument checks shared by the builders ({@code Check}).
 *
 * <p><b>Not API.</b> Nothing here is part of the library's public contract: no compatibility
 * promise, and any type or method may change or disappear in any release. Use the public package instead.
 */
@NullMarked
package io.github.bisonbackfill.bison.internal;

import org.jspecify.annotations.NullMarked;
