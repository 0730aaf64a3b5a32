package io.github.bisonbackfill.bison.simulator.internal;

import io.github.bisonbackfill.bison.CustomVariable;
import io.github.bisonbackfill.bison.Lead;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.List;

/**
 * A lead as the simulator stores it. Internal.
 *
 * @param id              the lead id (per instance)
 * @param uuid            the lead uuid
 * @param workspaceId     the workspace the lead belongs to
 * @param email           the email as stored (may carry stray case or spaces)
 * @param firstName       first name
 * @param lastName        last name
 * @param company         company
 * @param title           job title or {@code null}
 * @param notes           notes or {@code null}
 * @param status          verification status
 * @param customVariables custom variables
 * @param createdAt       creation time
 */
public record SimLead(long id, String uuid, long workspaceId, String email, String firstName, String lastName,
                      String company, @Nullable String title, @Nullable String notes, String status,
                      List<CustomVariable> customVariables, Instant createdAt) {

    /**
     * The full lead value.
     *
     * @return the lead
     */
    public Lead toLead() {
        return new Lead(id, uuid, email, firstName, lastName, company, title, status, customVariables);
    }

    /**
     * The minimal lead some replies nest: only id and email.
     *
     * @return the minimal lead
     */
    public Lead toMinimalLead() {
        return new Lead(id, null, email, null, null, null, null, null, List.of());
    }
}
