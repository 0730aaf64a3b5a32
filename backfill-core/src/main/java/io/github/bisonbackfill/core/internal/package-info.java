/**
 * The backfill's machinery: per-client scan and write lanes, dedup tables, checkpoint state, failure
 * classification, CSV/JSON helpers and redaction.
 *
 * <p><b>Not API.</b> Nothing here is part of the library's public contract: no compatibility
 * promise, and any type or method may change or disappear in any release. Use the public package instead.
 */
@NullMarked
package io.github.bisonbackfill.core.internal;

import org.jspecify.annotations.NullMarked;
