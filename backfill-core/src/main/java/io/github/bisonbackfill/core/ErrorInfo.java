package io.github.bisonbackfill.core;

import io.github.bisonbackfill.core.internal.Failures;
import io.github.bisonbackfill.core.internal.Redact;

import java.util.Objects;

/**
 * An error as a report shows it: type and message only, with anything resembling a credential
 * redacted and the message cut to {@value #MAX_MESSAGE} characters. No stack trace.
 *
 * @param type      the exception's class name, e.g. {@code io.github.bisonbackfill.bison.BisonAuthException}
 * @param message   its message (redacted, shortened), never {@code null}
 * @param transientFailure whether a later attempt may succeed (I/O, 5xx or 429 after the retries, a
 *                  super-admin context that could not be proven); {@code false} for permanent causes
 *                  (401/403, a missing workspace or table, a configuration error)
 */
public record ErrorInfo(String type, String message, boolean transientFailure) {
    /** Longest message kept. */
    public static final int MAX_MESSAGE = 1000;

    /** @throws NullPointerException if {@code type} or {@code message} is {@code null} */
    public ErrorInfo {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }

    /**
     * An error of a permanent cause.
     *
     * @param type    the exception's class name
     * @param message its message
     */
    public ErrorInfo(String type, String message) {
        this(type, message, false);
    }

    /**
     * Describes {@code t}: its type and message, followed by the root cause's when that differs
     * ({@code "...; caused by java.net.ConnectException: Connection refused"}).
     *
     * @param t the error
     * @return its description, redacted
     */
    public static ErrorInfo from(Throwable t) {
        Objects.requireNonNull(t, "t");
        String msg = t.getMessage() == null ? "" : t.getMessage();
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != t) {
            msg = msg + (msg.isEmpty() ? "" : "; ") + "caused by " + root.getClass().getName()
                    + (root.getMessage() == null ? "" : ": " + root.getMessage());
        }
        msg = Redact.text(msg);
        if (msg.length() > MAX_MESSAGE) {
            msg = msg.substring(0, MAX_MESSAGE) + "...";
        }
        return new ErrorInfo(t.getClass().getName(), msg, Failures.isTransient(t));
    }
}
