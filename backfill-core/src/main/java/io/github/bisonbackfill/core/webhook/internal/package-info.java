/**
 * The webhook handler's machinery: parsing a delivery and resolving its workspace.
 *
 * <p><b>Not API.</b> Nothing here is part of the library's public contract: no compatibility
 * promise, and any type or method may change or disappear in any release. Use the public package instead.
 */
@NullMarked
package io.github.bisonbackfill.core.webhook.internal;

import org.jspecify.annotations.NullMarked;
