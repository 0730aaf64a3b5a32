/**
 * A small Jetty server in front of {@code WebhookHandler}, with its workspace directory. Not a library.
 *
 * <p>Nullness is not yet annotated in this package.
 */
package io.github.bisonbackfill.examples.webhook;
