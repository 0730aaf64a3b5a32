/**
 * The seed's original backfill procedure (fixed sleeps, switching without proof), kept as the baseline
 * the demo and the benchmarks compare against. Not a library.
 */
@NullMarked
package io.github.bisonbackfill.examples.seed;

import org.jspecify.annotations.NullMarked;
