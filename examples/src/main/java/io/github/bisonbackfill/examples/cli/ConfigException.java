package io.github.bisonbackfill.examples.cli;

/**
 * A configuration problem: the message names the field (as a path such as
 * {@code clients[3].workspace_id}) and what is wrong with it. The CLI exits with
 * {@link BisonBackfillCli#EXIT_USAGE} on it. Messages never contain secrets: only the names of the
 * environment variables that hold them.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field   the field path, e.g. {@code clients[3].workspace_id}; {@code null} for the file as a whole
     * @param problem what is wrong, e.g. {@code missing}
     */
    public ConfigException(String field, String problem) {
        super(field == null ? problem : field + ": " + problem);
        this.field = field;
    }

    /** @return the field path, or {@code null} when the problem is the file as a whole */
    public String field() {
        return field;
    }
}
