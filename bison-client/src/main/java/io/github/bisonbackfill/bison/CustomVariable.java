package io.github.bisonbackfill.bison;

import org.jspecify.annotations.Nullable;

/**
 * One free-form custom variable of a lead, as Email Bison stores it.
 *
 * @param name  the variable name (free text, e.g. {@code "phone"}, {@code "Mobile"})
 * @param value the value, {@code null} when Email Bison sent none
 */
public record CustomVariable(String name, @Nullable String value) {
}
