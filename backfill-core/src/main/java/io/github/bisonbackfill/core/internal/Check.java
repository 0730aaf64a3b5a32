package io.github.bisonbackfill.core.internal;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks of backfill-core's builders, run in each setter so a wrong value fails where it is
 * set. Every message names the option and the allowed range.
 */
public final class Check {
    private Check() {
    }

    /**
     * @param name  the option's name
     * @param value its value
     * @param <T>   its type
     * @return {@code value}
     * @throws NullPointerException if {@code value} is {@code null}
     */
    public static <T> T notNull(String name, @Nullable T value) {
        return Objects.requireNonNull(value, () -> name + " must not be null");
    }

    /**
     * @param name  the option's name
     * @param value its value
     * @return {@code value}
     * @throws NullPointerException     if {@code value} is {@code null}
     * @throws IllegalArgumentException if blank
     */
    public static String notBlank(String name, @Nullable String value) {
        if (notNull(name, value).isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    /**
     * @param name  the option's name
     * @param value its value
     * @return {@code value}
     * @throws IllegalArgumentException if below 1
     */
    public static int positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
        return value;
    }

    /**
     * @param name  the option's name
     * @param value its value
     * @return {@code value}
     * @throws IllegalArgumentException if negative
     */
    public static int nonNegative(String name, int value) {
        return (int) nonNegative(name, (long) value);
    }

    /**
     * @param name  the option's name
     * @param value its value
     * @return {@code value}
     * @throws IllegalArgumentException if negative
     */
    public static long nonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative (0 or more), got " + value);
        }
        return value;
    }

    /**
     * @param name  the option's name
     * @param value its value
     * @return {@code value}
     * @throws NullPointerException     if {@code value} is {@code null}
     * @throws IllegalArgumentException if negative
     */
    public static Duration nonNegative(String name, @Nullable Duration value) {
        if (notNull(name, value).isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative (zero or longer), got " + value);
        }
        return value;
    }
}
