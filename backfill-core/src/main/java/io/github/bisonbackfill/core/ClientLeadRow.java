package io.github.bisonbackfill.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.github.bisonbackfill.bison.CustomVariable;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of {@code client_leads} as the backfill writes it: exactly the columns in
 * {@link #COLUMNS}. Downstream-edited columns ({@code pipeline_stage}, {@code notes}, premium
 * fields), {@code id}, {@code created_at} and {@code updated_at} are never part of it, so an upsert
 * leaves them alone. Serialises with any Jackson {@code ObjectMapper} (no {@code java.time} module
 * needed: instants are written as ISO-8601 strings) to snake_case keys, {@code null}s included, so
 * every row has the same key set (PostgREST requires it). {@link #toMap()} gives the same as a map.
 *
 * @param leadEmail            normalised email ({@code lead_email})
 * @param workspaceName        workspace name ({@code workspace_name})
 * @param firstName            first name, or {@code null}
 * @param lastName             last name, or {@code null}
 * @param company              company, or {@code null}
 * @param title                job title, or {@code null}
 * @param phone                phone from the custom variables, or {@code null}
 * @param customVariables      the lead's custom variables as Email Bison sent them (jsonb array of
 *                             {@code {"name","value"}}); empty when none
 * @param dateReceived         the winning reply's receipt time, or {@code null}
 * @param emailSubject         the winning reply's subject, or {@code null}
 * @param interested           always {@code true}
 * @param bisonReplyId         the winning reply's id
 * @param bisonReplyUuid       its uuid, or {@code null}
 * @param bisonLeadId          the lead id as text, or {@code null}
 * @param bisonWorkspaceId     the workspace id
 * @param bisonInstance        the instance name
 * @param bisonConversationUrl the inbox link, or {@code null} without a reply uuid
 * @param lastSyncedAt         when this row was produced
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"lead_email", "workspace_name", "first_name", "last_name", "company", "title", "phone",
        "custom_variables", "date_received", "email_subject", "interested", "bison_reply_id",
        "bison_reply_uuid", "bison_lead_id", "bison_workspace_id", "bison_instance",
        "bison_conversation_url", "last_synced_at"})
public record ClientLeadRow(
        @JsonProperty("lead_email") String leadEmail,
        @JsonProperty("workspace_name") String workspaceName,
        @JsonProperty("first_name") @Nullable String firstName,
        @JsonProperty("last_name") @Nullable String lastName,
        @JsonProperty("company") @Nullable String company,
        @JsonProperty("title") @Nullable String title,
        @JsonProperty("phone") @Nullable String phone,
        @JsonProperty("custom_variables") List<CustomVariable> customVariables,
        @JsonProperty("date_received") @JsonSerialize(using = ToStringSerializer.class) @Nullable Instant dateReceived,
        @JsonProperty("email_subject") @Nullable String emailSubject,
        @JsonProperty("interested") boolean interested,
        @JsonProperty("bison_reply_id") long bisonReplyId,
        @JsonProperty("bison_reply_uuid") @Nullable String bisonReplyUuid,
        @JsonProperty("bison_lead_id") @Nullable String bisonLeadId,
        @JsonProperty("bison_workspace_id") long bisonWorkspaceId,
        @JsonProperty("bison_instance") String bisonInstance,
        @JsonProperty("bison_conversation_url") @Nullable String bisonConversationUrl,
        @JsonProperty("last_synced_at") @JsonSerialize(using = ToStringSerializer.class) Instant lastSyncedAt) {

    /** The columns this row writes, in serialisation order. */
    public static final List<String> COLUMNS = List.of("lead_email", "workspace_name", "first_name",
            "last_name", "company", "title", "phone", "custom_variables", "date_received", "email_subject",
            "interested", "bison_reply_id", "bison_reply_uuid", "bison_lead_id", "bison_workspace_id",
            "bison_instance", "bison_conversation_url", "last_synced_at");

    /**
     * @throws NullPointerException if {@code leadEmail}, {@code workspaceName},
     *                              {@code bisonInstance} or {@code lastSyncedAt} is {@code null}
     */
    public ClientLeadRow {
        Objects.requireNonNull(leadEmail, "leadEmail");
        Objects.requireNonNull(workspaceName, "workspaceName");
        Objects.requireNonNull(bisonInstance, "bisonInstance");
        Objects.requireNonNull(lastSyncedAt, "lastSyncedAt");
        customVariables = customVariables == null ? List.of() : List.copyOf(customVariables);
    }

    /**
     * This row as a column → value map in {@link #COLUMNS} order, with JSON-ready values only:
     * instants as ISO-8601 strings, custom variables as a list of {@code {"name","value"}} maps.
     *
     * @return a new mutable map
     */
    public Map<String, @Nullable Object> toMap() {
        Map<String, @Nullable Object> m = new LinkedHashMap<>(32);
        m.put("lead_email", leadEmail);
        m.put("workspace_name", workspaceName);
        m.put("first_name", firstName);
        m.put("last_name", lastName);
        m.put("company", company);
        m.put("title", title);
        m.put("phone", phone);
        List<Map<String, @Nullable Object>> vars = new ArrayList<>(customVariables.size());
        for (CustomVariable v : customVariables) {
            Map<String, @Nullable Object> e = new LinkedHashMap<>(4);
            e.put("name", v.name());
            e.put("value", v.value());
            vars.add(e);
        }
        m.put("custom_variables", vars);
        m.put("date_received", dateReceived == null ? null : dateReceived.toString());
        m.put("email_subject", emailSubject);
        m.put("interested", interested);
        m.put("bison_reply_id", bisonReplyId);
        m.put("bison_reply_uuid", bisonReplyUuid);
        m.put("bison_lead_id", bisonLeadId);
        m.put("bison_workspace_id", bisonWorkspaceId);
        m.put("bison_instance", bisonInstance);
        m.put("bison_conversation_url", bisonConversationUrl);
        m.put("last_synced_at", lastSyncedAt.toString());
        return m;
    }
}
