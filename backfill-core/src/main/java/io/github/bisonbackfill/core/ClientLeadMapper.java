package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.CustomVariable;
import io.github.bisonbackfill.bison.Lead;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.core.internal.Check;
import io.github.bisonbackfill.core.internal.Names;
import io.github.bisonbackfill.core.internal.Text;
import org.jspecify.annotations.Nullable;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Maps a deduplicated lead (its winning reply and nested lead) to a {@code client_leads} row.
 *
 * <pre>{@code
 * ClientLeadMapper mapper = ClientLeadMapper.builder().build();
 * LeadDedupResult dedup = LeadDedup.apply(scan.replies());
 * List<ClientLeadRow> rows = mapper.mapAll(dedup.leads(), SourceWorkspace.of(scan, baseUrl));
 * }</pre>
 *
 * <p>Column rules (see {@code docs/backfill-core.md} for the full table): names from the lead,
 * falling back to splitting {@code from_name} (lossy; "Ortiz, Dana" is understood) only when the
 * lead has neither; phone = the first custom variable with a word of its name starting or ending
 * with "phone", "mobile" or "cell" (case-insensitive) and whose value is non-blank and has a
 * digit; every text value is
 * trimmed (Unicode whitespace), stripped of NUL characters (PostgreSQL rejects them) and
 * {@code null} when blank.
 *
 * <p>The webhook path reuses this mapper: it builds a {@link Reply} from the delivery (its
 * {@code email_subject} as {@code subject}; bodies are not used) and a {@link SourceWorkspace} from
 * {@code event.instance_url/workspace_id/workspace_name}, runs {@link LeadDedup#apply} on the one
 * reply, and maps the result.
 *
 * <p>Immutable and thread-safe.
 */
public final class ClientLeadMapper {
    /** Default clock for {@code last_synced_at}: {@link Clock#systemUTC()}. */
    public static final Clock DEFAULT_CLOCK = Clock.systemUTC();

    private static final String[] PHONE_HINTS = {"phone", "mobile", "cell"};

    private final Clock clock;

    private ClientLeadMapper(Builder b) {
        this.clock = b.clock;
    }

    /** A builder with {@link #DEFAULT_CLOCK}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Maps one lead; {@code last_synced_at} is the clock's current instant.
     *
     * @param lead   a lead from {@link LeadDedup}
     * @param source where it was read
     * @return the row
     */
    public ClientLeadRow map(UniqueLead lead, SourceWorkspace source) {
        return map(lead, source, clock.instant());
    }

    /**
     * Maps leads in order; all rows share one {@code last_synced_at} (the clock read once).
     *
     * @param leads  leads from {@link LeadDedup}, of one workspace
     * @param source where they were read
     * @return one row per lead, same order
     */
    public List<ClientLeadRow> mapAll(Collection<UniqueLead> leads, SourceWorkspace source) {
        Objects.requireNonNull(source, "source");
        Instant now = clock.instant();
        List<ClientLeadRow> rows = new ArrayList<>(leads.size());
        for (UniqueLead lead : leads) {
            rows.add(map(lead, source, now));
        }
        return rows;
    }

    private static ClientLeadRow map(UniqueLead unique, SourceWorkspace source, Instant syncedAt) {
        Objects.requireNonNull(unique, "lead");
        Objects.requireNonNull(source, "source");
        Reply reply = unique.reply();
        Lead lead = reply.lead();
        String first = lead == null ? null : Text.clean(lead.firstName());
        String last = lead == null ? null : Text.clean(lead.lastName());
        if (first == null && last == null) {
            Names.Split split = Names.split(reply.fromName());
            first = split.first();
            last = split.last();
        }
        List<CustomVariable> vars = lead == null ? List.of() : lead.customVariables();
        Long leadId = reply.leadId() != null ? reply.leadId() : lead == null ? null : lead.id();
        String uuid = Text.clean(reply.uuid());
        return new ClientLeadRow(
                unique.email(),
                source.workspaceName(),
                first,
                last,
                lead == null ? null : Text.clean(lead.company()),
                lead == null ? null : Text.clean(lead.title()),
                phone(vars),
                cleanVariables(vars),
                reply.dateReceived(),
                Text.clean(reply.subject()),
                true,
                reply.id(),
                uuid,
                leadId == null ? null : leadId.toString(),
                source.workspaceId(),
                source.instance(),
                uuid == null ? null : conversationUrl(source.baseUrl(), uuid),
                syncedAt);
    }

    /**
     * The first custom variable that looks like a phone: a word of its name (split on non-letters,
     * case-insensitive) starts or ends with "phone", "mobile" or "cell" ("Phone", "phone_2",
     * "Mobile Number", "cellphone", "telephone"; not "cancelled_on" or "Marcella") and its trimmed
     * value is non-blank and contains a digit (so placeholders like "n/a" or "-" are skipped).
     *
     * @param vars custom variables in Email Bison's order
     * @return the trimmed value, or {@code null}
     */
    static @Nullable String phone(List<CustomVariable> vars) {
        for (CustomVariable v : vars) {
            if (v == null || v.name() == null) {
                continue;
            }
            boolean hint = false;
            for (String token : v.name().toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
                for (String h : PHONE_HINTS) {
                    hint |= token.startsWith(h) || token.endsWith(h);
                }
            }
            String value = Text.clean(v.value());
            if (hint && value != null && hasDigit(value)) {
                return value;
            }
        }
        return null;
    }

    private static boolean hasDigit(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static List<CustomVariable> cleanVariables(List<CustomVariable> vars) {
        List<CustomVariable> out = new ArrayList<>(vars.size());
        for (CustomVariable v : vars) {
            if (v != null) {
                // Only NULs go: PostgreSQL's jsonb rejects \u0000; everything else is kept verbatim.
                out.add(new CustomVariable(stripNul(v.name()), stripNul(v.value())));
            }
        }
        return out;
    }

    private static @Nullable String stripNul(@Nullable String s) {
        return s == null || s.indexOf('\u0000') < 0 ? s : s.replace("\u0000", "");
    }

    /**
     * The Email Bison inbox link of a reply: {@code <scheme>://<host[:port]>/inbox?reply_uuid=<uuid>}
     * (any path, query or user-info of the base URL is ignored, so credentials never reach a row).
     *
     * @param baseUrl   the instance base URL
     * @param replyUuid the reply uuid
     * @return the link
     */
    public static String conversationUrl(URI baseUrl, String replyUuid) {
        String port = baseUrl.getPort() < 0 ? "" : ":" + baseUrl.getPort();
        return baseUrl.getScheme().toLowerCase(Locale.ROOT) + "://" + baseUrl.getHost().toLowerCase(Locale.ROOT) + port
                + "/inbox?reply_uuid=" + URLEncoder.encode(replyUuid, StandardCharsets.UTF_8);
    }

    /** Builds a {@link ClientLeadMapper}. Not thread-safe. */
    public static final class Builder {
        private Clock clock = DEFAULT_CLOCK;

        private Builder() {
        }

        /**
         * The clock for {@code last_synced_at}; default {@link #DEFAULT_CLOCK}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Check.notNull("clock", clock);
            return this;
        }

        /** @return an immutable mapper */
        public ClientLeadMapper build() {
            return new ClientLeadMapper(this);
        }
    }
}
