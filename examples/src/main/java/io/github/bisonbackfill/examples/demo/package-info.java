/**
 * The demo: the seed's naive procedure and the library side by side against a simulated Email Bison with
 * the workspace race switched on, writing to a real local PostgREST. Not a library.
 *
 * <p>Nullness is not yet annotated in this package.
 */
package io.github.bisonbackfill.examples.demo;
