package io.github.bisonbackfill.bison.internal;

import org.jspecify.annotations.Nullable;

import java.time.Duration;

/**
 * The argument checks of the module's builders, so that every setter checks its value at once and
 * every message has one shape: the option's name, the allowed range and the value given (never a
 * secret: keys are checked by their own code, which does not echo them). A {@code null} where a value
 * is required throws {@link NullPointerException}, a value out of range {@link IllegalArgumentException};
 * a missing required option or a bad combination is {@code build()}'s to report
 * ({@link IllegalStateException}). supabase-writer has the same rules in its own {@code internal.Check}
 * (the two modules share no code); keep the messages alike.
 */
public final class Check {
    private Check() {
    }

    /**
     * Returns {@code value}, refusing {@code null}.
     *
     * @param name  the option
     * @param value the value
     * @param <T>   its type
     * @return the value
     * @throws NullPointerException "{@code name} must not be null"
     */
    public static <T> T notNull(String name, @Nullable T value) {
        if (value == null) {
            throw new NullPointerException(name + " must not be null");
        }
        return value;
    }

    /**
     * Returns {@code value} when it has a non-whitespace character.
     *
     * @param name  the option
     * @param value the value
     * @return the value
     * @throws NullPointerException     when {@code value} is {@code null}
     * @throws IllegalArgumentException "{@code name} must not be blank"
     */
    public static String notBlank(String name, @Nullable String value) {
        if (notNull(name, value).isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    /**
     * Returns {@code value} when it is at least {@code min}.
     *
     * @param name  the option
     * @param value the value
     * @param min   the smallest allowed value
     * @return the value
     * @throws IllegalArgumentException "{@code name} must be at least {@code min}, got ..."
     */
    public static long atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    /**
     * Returns {@code value} when it is at least {@code min}.
     *
     * @param name  the option
     * @param value the value
     * @param min   the smallest allowed value
     * @return the value
     * @throws IllegalArgumentException "{@code name} must be at least {@code min}, got ..."
     */
    public static int atLeast(String name, int value, int min) {
        return (int) atLeast(name, (long) value, min);
    }

    /**
     * Returns {@code value} when it is zero or more.
     *
     * @param name  the option
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException "{@code name} must not be negative, got ..."
     */
    public static long notNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        return value;
    }

    /**
     * Returns {@code value} when it is positive and finite.
     *
     * @param name  the option
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException "{@code name} must be positive and finite, got ..."
     */
    public static double positiveFinite(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be positive and finite, got " + value);
        }
        return value;
    }

    /**
     * Returns {@code value} when it is longer than zero.
     *
     * @param name  the option
     * @param value the value
     * @return the value
     * @throws NullPointerException     when {@code value} is {@code null}
     * @throws IllegalArgumentException "{@code name} must be positive, got ..."
     */
    public static Duration positive(String name, @Nullable Duration value) {
        if (notNull(name, value).isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    /**
     * Returns {@code value} when it is zero or longer.
     *
     * @param name  the option
     * @param value the value
     * @return the value
     * @throws NullPointerException     when {@code value} is {@code null}
     * @throws IllegalArgumentException "{@code name} must not be negative, got ..."
     */
    public static Duration notNegative(String name, @Nullable Duration value) {
        if (notNull(name, value).isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
        return value;
    }
}
