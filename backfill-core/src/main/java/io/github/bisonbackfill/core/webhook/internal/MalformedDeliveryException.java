package io.github.bisonbackfill.core.webhook.internal;

/**
 * A delivery that cannot be understood; the message names the field and what is wrong with it. Never
 * escapes the handler: it becomes a {@code REJECTED/MALFORMED} outcome.
 */
public final class MalformedDeliveryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the field */
    public MalformedDeliveryException(String message) {
        super(message, null, false, false);
    }
}
