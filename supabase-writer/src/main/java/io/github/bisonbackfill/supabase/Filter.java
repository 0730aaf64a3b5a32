package io.github.bisonbackfill.supabase;

import io.github.bisonbackfill.supabase.internal.QueryEncoding;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * A typed PostgREST row filter ({@code column=operator.value}) for {@link SupabaseWriter#count} and
 * {@link SupabaseWriter#select}. Several filters are ANDed. Immutable and thread-safe.
 *
 * <p>Values are sent exactly: any character (commas, parentheses, quotes, {@code +}, spaces,
 * backslashes, non-ASCII) is percent-encoded, and list elements of {@link #in} are double-quoted
 * with {@code \} escapes as PostgREST requires. Values are converted with {@code toString()}, except
 * {@code java.time} values (ISO-8601, e.g. {@code 2024-05-01T10:15:30Z}) and enums ({@code name()}).
 *
 * <pre>{@code
 * long n = writer.count("client_leads",
 *     Filter.eq("workspace_name", "O'Brien & Sons, LLC"),
 *     Filter.gte("date_received", Instant.parse("2024-01-01T00:00:00Z")));
 * }</pre>
 */
public final class Filter {
    private final String column;
    private final String operator;
    private final String encodedOperand;
    private final String description;

    private Filter(String column, String operator, String encodedOperand, String description) {
        this.column = requireColumn(column);
        this.operator = operator;
        this.encodedOperand = encodedOperand;
        this.description = description;
    }

    /** {@code column = value}. @param column the column @param value a non-null value @return the filter */
    public static Filter eq(String column, Object value) {
        return simple(column, "eq", value);
    }

    /** {@code column <> value}. @param column the column @param value a non-null value @return the filter */
    public static Filter neq(String column, Object value) {
        return simple(column, "neq", value);
    }

    /** {@code column > value}. @param column the column @param value a non-null value @return the filter */
    public static Filter gt(String column, Object value) {
        return simple(column, "gt", value);
    }

    /** {@code column >= value}. @param column the column @param value a non-null value @return the filter */
    public static Filter gte(String column, Object value) {
        return simple(column, "gte", value);
    }

    /** {@code column < value}. @param column the column @param value a non-null value @return the filter */
    public static Filter lt(String column, Object value) {
        return simple(column, "lt", value);
    }

    /** {@code column <= value}. @param column the column @param value a non-null value @return the filter */
    public static Filter lte(String column, Object value) {
        return simple(column, "lte", value);
    }

    /**
     * {@code column LIKE pattern}, with {@code *} as the wildcard (PostgREST's spelling of {@code %}).
     *
     * @param column  the column
     * @param pattern the pattern
     * @return the filter
     */
    public static Filter like(String column, String pattern) {
        return simple(column, "like", pattern);
    }

    /**
     * {@code column ILIKE pattern} (case-insensitive), with {@code *} as the wildcard.
     *
     * @param column  the column
     * @param pattern the pattern
     * @return the filter
     */
    public static Filter ilike(String column, String pattern) {
        return simple(column, "ilike", pattern);
    }

    /**
     * {@code column IN (values)}. Keep lists short enough for an ~8 KB URL (a few hundred values):
     * chunk longer ones and add the counts.
     *
     * @param column the column
     * @param values one or more non-null values
     * @return the filter
     * @throws IllegalArgumentException when {@code values} is empty or holds {@code null}
     */
    public static Filter in(String column, Collection<?> values) {
        Objects.requireNonNull(values, "values");
        if (values.isEmpty()) {
            throw new IllegalArgumentException("Filter.in(" + column + ") needs at least one value");
        }
        List<String> texts = new ArrayList<>(values.size());
        StringJoiner encoded = new StringJoiner(",", "(", ")");
        for (Object v : values) {
            String text = text(column, "in", v);
            texts.add(text);
            encoded.add(QueryEncoding.encode(QueryEncoding.quoteListElement(text)));
        }
        return new Filter(column, "in", encoded.toString(), column + " in " + texts);
    }

    /**
     * {@code column IN (values)}.
     *
     * @param column the column
     * @param values one or more non-null values
     * @return the filter
     */
    public static Filter in(String column, Object... values) {
        return in(column, List.of(values));
    }

    /**
     * {@code column IS value}: {@code null} → {@code IS NULL}, {@code true}/{@code false} → {@code IS TRUE/FALSE}.
     *
     * @param column the column
     * @param value  {@code null}, {@code true} or {@code false}
     * @return the filter
     */
    public static Filter is(String column, @Nullable Boolean value) {
        String v = value == null ? "null" : value.toString();
        return new Filter(column, "is", v, column + " is " + v);
    }

    /** {@code column IS NULL}. @param column the column @return the filter */
    public static Filter isNull(String column) {
        return is(column, null);
    }

    /** {@code column IS NOT NULL}. @param column the column @return the filter */
    public static Filter isNotNull(String column) {
        return new Filter(column, "not.is", "null", column + " is not null");
    }

    /** The filtered column. */
    public String column() {
        return column;
    }

    /** The PostgREST operator ({@code eq}, {@code in}, {@code not.is}, ...). */
    public String operator() {
        return operator;
    }

    /**
     * The query parameter as sent, percent-encoded: {@code column=operator.value}.
     *
     * @return the encoded parameter
     */
    public String toQueryParameter() {
        return QueryEncoding.encode(column) + "=" + operator + "." + encodedOperand;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Filter f && f.toQueryParameter().equals(toQueryParameter());
    }

    @Override
    public int hashCode() {
        return toQueryParameter().hashCode();
    }

    @Override
    public String toString() {
        return description;
    }

    private static Filter simple(String column, String operator, Object value) {
        String text = text(column, operator, value);
        // Plain operators take the rest of the parameter literally: no quoting, only percent-encoding.
        return new Filter(column, operator, QueryEncoding.encode(text), column + " " + operator + " " + text);
    }

    private static String text(String column, String operator, Object value) {
        if (value == null) {
            throw new IllegalArgumentException("Filter." + operator + "(" + column + ", null): use Filter.isNull(column) to match NULL");
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        // java.time values print as ISO-8601, which PostgreSQL parses.
        return value.toString();
    }

    private static String requireColumn(String column) {
        if (column == null || column.isBlank()) {
            throw new IllegalArgumentException("filter column must not be blank");
        }
        return column;
    }
}
