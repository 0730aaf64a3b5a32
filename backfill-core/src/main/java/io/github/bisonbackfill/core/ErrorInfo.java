package io.github.bisonbackfill.core;

import io.github.bisonbackfill.core.internal.Redact;

import java.util.Objects;

/**
 * An error as a report shows it: type and message only, with anything resembling a credential
 * redacted and the message cut to {@value #MAX_MESSAGE} characters. No stack trace.
 *
 * @param type    the exception's class name, e.g. {@code io.github.bisonbackfill.bison.BisonAuthException}
 * @param message its message (redacted, shortened), never {@code null}
 */
public record ErrorInfo(String type, String message) {
    /** Longest message kept. */
    public static final int MAX_MESSAGE = 1000;

    /** @throws NullPointerException if {@code type} or {@code message} is {@code null} */
    public ErrorInfo {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
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
        return new ErrorInfo(t.getClass().getName(), msg);
    }
}
