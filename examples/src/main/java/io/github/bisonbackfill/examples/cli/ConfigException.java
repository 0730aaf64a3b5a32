package io.github.bisonbackfill.examples.cli;

import io.github.bisonbackfill.core.SafeText;

/**
 * A configuration problem: the message names the field (as a path such as
 * {@code clients[3].workspace_id}) and what is wrong with it. The CLI exits with
 * {@link BisonBackfillCli#EXIT_USAGE} on it. Messages never contain secrets: only the names of the
 * environment variables that hold them; whatever user input a message echoes (a value, an unknown
 * field's name) passes {@link SafeText#forLog}, so a key pasted into any field is shown as
 * {@code <redacted>}, control characters are escaped and long values cut.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field   the field path, e.g. {@code clients[3].workspace_id}; {@code null} for the file as a whole
     * @param problem what is wrong, e.g. {@code missing}
     */
    public ConfigException(String field, String problem) {
        super(field == null ? safe(problem) : safe(field) + ": " + safe(problem));
        this.field = field == null ? null : safe(field);
    }

    private static String safe(String text) {
        return SafeText.forLog(text, MAX_ECHO);
    }

    /** Longest text of a message part: {@value} characters (messages quote at most 60 characters of a value). */
    static final int MAX_ECHO = 400;

    /** @return the field path, or {@code null} when the problem is the file as a whole */
    public String field() {
        return field;
    }
}
