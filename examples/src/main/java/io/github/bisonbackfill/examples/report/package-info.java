/**
 * The HTML pages of {@code kpi --html} and {@code backfill --html}. Not a library.
 */
@NullMarked
package io.github.bisonbackfill.examples.report;

import org.jspecify.annotations.NullMarked;
