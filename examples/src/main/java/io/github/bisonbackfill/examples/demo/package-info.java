/**
 * The demo: the seed's naive procedure and the library side by side against a simulated Email Bison with
 * the workspace race switched on, writing to a real local PostgREST. Not a library.
 */
@NullMarked
package io.github.bisonbackfill.examples.demo;

import org.jspecify.annotations.NullMarked;
