/**
 * The seed's original backfill procedure (fixed sleeps, switching without proof), kept as the baseline
 * the demo and the benchmarks compare against. Not a library.
 *
 * <p>Nullness is not yet annotated in this package.
 */
package io.github.bisonbackfill.examples.seed;
