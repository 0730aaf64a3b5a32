package io.github.bisonbackfill.bison;

import org.jspecify.annotations.Nullable;

/**
 * Root of every exception thrown by {@link BisonClient}. Unchecked. Messages say what happened, to
 * which endpoint or workspace, and what to do; they never contain an API key.
 *
 * <p>Subclasses split "no usable response" ({@link BisonIoException},
 * {@link BisonMalformedResponseException}) from "the service answered with an error"
 * ({@link BisonServiceException} and its subclasses), plus {@link WorkspaceContextException} when
 * the client could not prove that data belongs to the workspace asked for. {@link BisonReplies}
 * throws {@link BisonJsonShapeException} for a reply of the wrong shape.
 */
public class BisonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what happened (must not contain secrets)
     */
    public BisonException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what happened (must not contain secrets)
     * @param cause   the underlying cause, or {@code null}
     */
    public BisonException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
