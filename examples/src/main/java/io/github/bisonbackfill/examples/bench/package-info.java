/**
 * Benchmark harnesses (backfill, writer, webhook, production fault mix) whose figures are in
 * {@code docs/benchmarks.md}. Not a library.
 *
 * <p>Nullness is not yet annotated in this package.
 */
package io.github.bisonbackfill.examples.bench;
