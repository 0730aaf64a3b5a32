/**
 * The HTML pages of {@code kpi --html} and {@code backfill --html}. Not a library.
 *
 * <p>Nullness is not yet annotated in this package.
 */
package io.github.bisonbackfill.examples.report;
