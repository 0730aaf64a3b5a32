/**
 * Runnable examples: the README's quick start and the loopback helpers the programs share. Not a
 * library: the examples module is never a dependency and makes no compatibility promise.
 *
 * <p>Nullness is not yet annotated in this package.
 */
package io.github.bisonbackfill.examples;
