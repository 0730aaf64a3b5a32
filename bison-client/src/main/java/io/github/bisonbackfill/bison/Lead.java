package io.github.bisonbackfill.bison;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * A lead as nested in a reply or returned by {@code GET /api/leads/{id}}. Email Bison sometimes
 * nests a minimal lead, so every field but {@code customVariables} may be {@code null}.
 *
 * @param id              the lead id within its instance, or {@code null}
 * @param uuid            the lead uuid, or {@code null}
 * @param email           the email exactly as Email Bison sent it (not normalised), or {@code null}
 * @param firstName       first name, or {@code null}
 * @param lastName        last name, or {@code null}
 * @param company         company, or {@code null}
 * @param title           job title, or {@code null}
 * @param status          Email Bison's verification status ({@code verified}, {@code risky}, ...),
 *                        not the interest status, or {@code null}
 * @param customVariables custom variables in Email Bison's order; never {@code null}
 */
public record Lead(@Nullable Long id, @Nullable String uuid, @Nullable String email, @Nullable String firstName,
                   @Nullable String lastName, @Nullable String company, @Nullable String title,
                   @Nullable String status, List<CustomVariable> customVariables) {
    public Lead {
        customVariables = customVariables == null ? List.of() : List.copyOf(customVariables);
    }
}
