/**
 * Benchmark harnesses (backfill, writer, webhook, production fault mix) whose figures are in
 * {@code docs/benchmarks.md}. Not a library.
 */
@NullMarked
package io.github.bisonbackfill.examples.bench;

import org.jspecify.annotations.NullMarked;
