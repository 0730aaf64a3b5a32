/**
 * The {@code bison-backfill} command line (picocli): its commands ({@code backfill}, {@code kpi},
 * {@code verify}, {@code schema}, {@code mint-keys}, {@code webhook-server}, {@code demo}), the YAML config
 * file and its loader, and the wiring of clients and writer. See {@code docs/examples.md}. Not a library.
 *
 * <p>Nullness is not yet annotated in this package.
 */
package io.github.bisonbackfill.examples.cli;
