package io.github.bisonbackfill.core;

/** A checkpoint could not be read or written (unreadable, corrupt or unwritable file). */
public class CheckpointException extends BackfillException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened, to which file, and what to do
     * @param cause   the underlying error, may be {@code null}
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
