/**
 * A small Jetty server in front of {@code WebhookHandler}, with its workspace directory. Not a library.
 */
@NullMarked
package io.github.bisonbackfill.examples.webhook;

import org.jspecify.annotations.NullMarked;
