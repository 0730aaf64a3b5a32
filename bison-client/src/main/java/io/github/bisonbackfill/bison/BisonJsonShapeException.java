package io.github.bisonbackfill.bison;

import org.jspecify.annotations.Nullable;

import java.util.Optional;

/**
 * A JSON value given to {@link BisonReplies} does not have the shape Email Bison sends: a field of
 * the wrong kind (an id that is not a whole number, a date that is not a date-time, a boolean that
 * is neither {@code true}/{@code 1} nor {@code false}/{@code 0}) or a required field missing. It
 * names the field, relative to the object read ({@code "date_received"}, {@code "lead.id"}), so that a
 * caller can report it with its own path, e.g. {@code data.reply.date_received is not a date-time}.
 *
 * <p>The client itself never lets this escape: a response body of the wrong shape becomes a
 * {@link BisonMalformedResponseException} (with this exception as its cause) carrying the endpoint.
 */
public final class BisonJsonShapeException extends BisonException {
    private static final long serialVersionUID = 1L;
    private static final int SHOWN = 40;

    private final String field;
    private final String problem;
    private final @Nullable String value;

    /**
     * Creates an exception whose message is {@code "<field>" <problem>: "<value, abbreviated>"}.
     *
     * @param field   the dotted path of the field relative to the object read, e.g. {@code lead.id};
     *                empty when the object itself is of the wrong kind
     * @param problem what is wrong, phrased to follow the field name, e.g. {@code is not a date-time}
     * @param value   the offending text as received (trimmed), or {@code null} when there is none
     */
    public BisonJsonShapeException(String field, String problem, @Nullable String value) {
        this(describe(field, problem, value), field, problem, value);
    }

    /**
     * Creates an exception with its own message.
     *
     * @param message what is wrong, for people (must not contain secrets)
     * @param field   the dotted path of the field relative to the object read; empty for the object
     * @param problem what is wrong, phrased to follow the field name, e.g. {@code is missing}
     * @param value   the offending text as received (trimmed), or {@code null}
     */
    public BisonJsonShapeException(String message, String field, String problem, @Nullable String value) {
        super(message);
        this.field = field == null ? "" : field;
        this.problem = problem;
        this.value = value;
    }

    /**
     * Returns the dotted path of the offending field relative to the object read, e.g.
     * {@code date_received} or {@code lead.custom_variables}; empty when the object itself is wrong.
     */
    public String field() {
        return field;
    }

    /** Returns what is wrong, phrased to follow the field name, e.g. {@code is not a whole number}. */
    public String problem() {
        return problem;
    }

    /**
     * Returns the offending text as received (trimmed, not abbreviated, possibly holding control
     * characters: quote it before logging), or empty when the problem is not about a value.
     */
    public Optional<String> value() {
        return Optional.ofNullable(value);
    }

    private static String describe(String field, String problem, String value) {
        String v = value == null ? "" : ": \"" + (value.length() <= SHOWN ? value : value.substring(0, SHOWN) + "...") + "\"";
        return (field == null || field.isEmpty() ? "the object" : "\"" + field + "\"") + " " + problem + v;
    }
}
