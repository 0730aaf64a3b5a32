package io.github.bisonbackfill.core;

import org.jspecify.annotations.Nullable;

/** A checkpoint could not be read or written (unreadable, corrupt or unwritable file). */
public class CheckpointException extends BackfillException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened, to which file, and what to do
     * @param cause   the underlying error, may be {@code null}
     */
    public CheckpointException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
