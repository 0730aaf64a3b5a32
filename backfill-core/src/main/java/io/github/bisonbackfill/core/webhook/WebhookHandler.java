package io.github.bisonbackfill.core.webhook;

import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.core.ClientLeadMapper;
import io.github.bisonbackfill.core.ClientLeadRow;
import io.github.bisonbackfill.core.ClientLeadsSchema;
import io.github.bisonbackfill.core.LeadDedup;
import io.github.bisonbackfill.core.LeadDedupResult;
import io.github.bisonbackfill.core.RejectedReply;
import io.github.bisonbackfill.core.SafeText;
import io.github.bisonbackfill.core.SourceWorkspace;
import io.github.bisonbackfill.core.internal.Check;
import io.github.bisonbackfill.core.webhook.WebhookOutcome.RejectCause;
import io.github.bisonbackfill.core.webhook.WebhookOutcome.Status;
import io.github.bisonbackfill.core.webhook.internal.DeliveryParser;
import io.github.bisonbackfill.core.webhook.internal.MalformedDeliveryException;
import io.github.bisonbackfill.core.webhook.internal.WorkspaceDirectory;
import io.github.bisonbackfill.supabase.PostgrestError;
import io.github.bisonbackfill.supabase.SupabaseException;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.UpsertOptions;
import io.github.bisonbackfill.supabase.UpsertResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Writes Email Bison's {@code lead_interested} webhook deliveries to {@code client_leads}: the same
 * row, through the same {@link LeadDedup} + {@link ClientLeadMapper} path and the same upsert
 * ({@code on_conflict=lead_email,workspace_name}) as the backfill. Framework-neutral: give it the
 * raw body and the secret the request carried, and answer with {@link WebhookOutcome#status()}.
 *
 * <pre>{@code
 * WebhookHandler handler = WebhookHandler.builder()
 *     .writer(writer)
 *     .secret(System.getenv("BISON_WEBHOOK_SECRET"))
 *     .workspace(new SourceWorkspace("agency-main", URI.create("https://send.agency.example"), 37, "Harbor Insurance"))
 *     .build();
 * WebhookOutcome outcome = handler.handle(requestBody, request.getParameter("token"));
 * response.setStatus(outcome.status().httpStatus());
 * }</pre>
 *
 * <p>Per delivery, in this order:
 * <ol>
 *   <li>The presented secret is compared with the configured one in constant time (SHA-256 of both,
 *       {@link MessageDigest#isEqual}); a missing or wrong one is {@code UNAUTHORIZED} and the body
 *       is not read.</li>
 *   <li>The body is parsed leniently (unknown fields, numbers as strings, unescaped control
 *       characters) in either shape: {@code {"event", "data"}} as delivered, or
 *       {@code {"data": {"event", "data"}}} as test/sample deliveries wrap it. Not JSON or no
 *       {@code event}: {@code REJECTED/MALFORMED}.</li>
 *   <li>{@code event.type} other than {@code lead_interested} (compared case-insensitively):
 *       {@code IGNORED}.</li>
 *   <li>{@code event.instance_url} + {@code event.workspace_id} must match a configured
 *       {@link SourceWorkspace}, else {@code REJECTED/UNKNOWN_WORKSPACE}. The configured
 *       {@code workspaceName} is written, not the delivery's, so that the row's conflict key is the
 *       one the backfill writes (a difference is logged at WARN: the workspace may have been
 *       renamed).</li>
 *   <li>{@code data.reply} ({@code email_subject} as subject; bodies ignored) and {@code data.lead}
 *       become a {@link Reply}; {@link LeadDedup} picks the email (lead's, else the reply's from
 *       address) or rejects it ({@code REJECTED/INVALID_EMAIL}); {@link ClientLeadMapper} maps it.</li>
 *   <li>One row is upserted: {@code ACCEPTED} once Supabase acknowledged it. The table's guard
 *       trigger keeps a newer stored reply when the delivery's is older (a webhook racing a
 *       backfill), leaves {@code updated_at} alone when nothing changed (a repeated delivery), and
 *       never touches {@code pipeline_stage}/{@code notes}. A row Supabase refuses is
 *       {@code REJECTED/ROW_REJECTED}; any other Supabase failure is {@code UNAVAILABLE}.</li>
 * </ol>
 * Bad input never throws: it is an outcome. One row per delivery in one request, so nothing is
 * ever half-written.
 *
 * <p>The writer's own retries apply: keep its {@code callTimeout} below the sender's timeout, or the
 * sender gives up (and retries) while the write is still in progress (harmless: it is idempotent).
 *
 * <p>Immutable and thread-safe; the secret never appears in {@link #toString()}, logs or outcomes.
 */
public final class WebhookHandler {
    /** The event type that is written: {@value}, compared case-insensitively. */
    public static final String LEAD_INTERESTED = "lead_interested";
    /** Default table: {@link ClientLeadsSchema#TABLE}. */
    public static final String DEFAULT_TABLE = ClientLeadsSchema.TABLE;
    /** The shortest secret {@link Builder#secret} accepts: {@value} characters (use 32+ random ones). */
    public static final int MIN_SECRET_LENGTH = 16;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);
    private static final DeliveryParser PARSER = new DeliveryParser();

    private final SupabaseWriter writer;
    private final String table;
    private final byte[] secretDigest;
    private final WorkspaceDirectory workspaces;
    private final ClientLeadMapper mapper;
    private final UpsertOptions upsertOptions;
    private final Consumer<WebhookOutcome> outcomeListener;

    private WebhookHandler(Builder b) {
        this.writer = b.writer;
        this.table = b.table;
        this.secretDigest = sha256(b.secret);
        this.workspaces = new WorkspaceDirectory(b.workspaces);
        this.mapper = ClientLeadMapper.builder().clock(b.clock).build();
        this.upsertOptions = UpsertOptions.builder()
                .onConflict(ClientLeadsSchema.CONFLICT_COLUMNS.toArray(String[]::new))
                .build();
        this.outcomeListener = b.outcomeListener;
    }

    /**
     * A builder; {@code writer}, {@code secret} and at least one workspace are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Handles one delivery given as text; see {@link #handle(byte[], String)}.
     *
     * @param body            the request body
     * @param presentedSecret the secret the request carried ({@code ?token=} or a header), or
     *                        {@code null} when it carried none
     * @return the outcome; never {@code null}
     */
    public WebhookOutcome handle(@Nullable String body, @Nullable String presentedSecret) {
        return handle(body == null ? null : body.getBytes(StandardCharsets.UTF_8), presentedSecret);
    }

    /**
     * Handles one delivery: checks the secret, parses, and upserts the lead (see the class comment
     * for the steps and outcomes).
     *
     * @param body            the raw request body (UTF-8 JSON); {@code null} or empty is malformed
     * @param presentedSecret the secret the request carried, or {@code null} when it carried none
     * @return the outcome; never {@code null}. Bad input and Supabase failures are outcomes, not
     *         exceptions
     */
    public WebhookOutcome handle(byte @Nullable [] body, @Nullable String presentedSecret) {
        WebhookOutcome outcome = outcome(body, presentedSecret);
        try {
            outcomeListener.accept(outcome);
        } catch (RuntimeException e) {
            LOG.warn("webhook outcome listener {} failed: {}", outcomeListener.getClass().getName(), e.toString());
        }
        return outcome;
    }

    private WebhookOutcome outcome(byte[] body, String presentedSecret) {
        if (!isAuthorized(presentedSecret)) {
            return new WebhookOutcome(Status.UNAUTHORIZED, null,
                    presentedSecret == null || presentedSecret.isEmpty() ? "no secret presented" : "wrong secret",
                    null, null, null);
        }
        if (body == null || body.length == 0) {
            return WebhookOutcome.rejected(RejectCause.MALFORMED, "body is empty", null, null, null);
        }
        DeliveryParser.Envelope envelope;
        String type;
        try {
            envelope = PARSER.envelope(body);
            type = envelope.eventType();
        } catch (MalformedDeliveryException e) {
            return WebhookOutcome.rejected(RejectCause.MALFORMED, e.getMessage(), null, null, null);
        }
        if (type == null) {
            return WebhookOutcome.rejected(RejectCause.MALFORMED, "event.type is missing", null, null, null);
        }
        String deliveredName;
        try {
            deliveredName = envelope.workspaceName();
        } catch (MalformedDeliveryException e) {
            return WebhookOutcome.rejected(RejectCause.MALFORMED, e.getMessage(), type, null, null);
        }
        if (!type.toLowerCase(Locale.ROOT).equals(LEAD_INTERESTED)) {
            return new WebhookOutcome(Status.IGNORED, null, "event type \"" + type + "\" is not " + LEAD_INTERESTED,
                    type, deliveredName, null);
        }
        Reply reply;
        SourceWorkspace source;
        try {
            Long workspaceId = envelope.workspaceId();
            if (workspaceId == null) {
                return WebhookOutcome.rejected(RejectCause.MALFORMED, "event.workspace_id is missing", type,
                        deliveredName, null);
            }
            WorkspaceDirectory.Lookup lookup = workspaces.find(envelope.instanceUrl(), workspaceId);
            if (lookup.workspace() == null) {
                return WebhookOutcome.rejected(RejectCause.UNKNOWN_WORKSPACE, lookup.problem()
                        + (deliveredName == null ? "" : " (event.workspace_name \"" + deliveredName + "\")"),
                        type, deliveredName, null);
            }
            source = lookup.workspace();
            reply = PARSER.reply(envelope);
        } catch (MalformedDeliveryException e) {
            return WebhookOutcome.rejected(RejectCause.MALFORMED, e.getMessage(), type, deliveredName, null);
        }
        if (deliveredName != null && !deliveredName.equals(source.workspaceName())) {
            LOG.warn("webhook delivery for workspace {} of {} names it \"{}\", configured as \"{}\": writing the "
                            + "configured name (update the configuration if the workspace was renamed)",
                    source.workspaceId(), source.instance(), SafeText.forLog(deliveredName), source.workspaceName());
        }
        LeadDedupResult dedup = LeadDedup.apply(List.of(reply));
        if (dedup.leads().isEmpty()) {
            RejectedReply rejected = dedup.rejected().get(0);
            return WebhookOutcome.rejected(RejectCause.INVALID_EMAIL, rejected.reason() + ": " + rejected.detail(),
                    type, source.workspaceName(), reply.id());
        }
        ClientLeadRow row = mapper.map(dedup.leads().get(0), source);
        return write(row, type, source, reply.id());
    }

    private WebhookOutcome write(ClientLeadRow row, String type, SourceWorkspace source, long replyId) {
        UpsertResult result;
        try {
            result = writer.upsert(table, List.of(row), upsertOptions);
        } catch (SupabaseException e) {
            return new WebhookOutcome(Status.UNAVAILABLE, null, "writing to " + table + " failed: " + e.getMessage(),
                    type, source.workspaceName(), replyId);
        }
        if (!result.rejected().isEmpty()) {
            PostgrestError error = result.rejected().get(0).error();
            return WebhookOutcome.rejected(RejectCause.ROW_REJECTED, table + " refused the row: " + error.status()
                    + " " + error.code() + " " + error.message() + (error.details() == null ? "" : " (" + error.details() + ")"),
                    type, source.workspaceName(), replyId);
        }
        return new WebhookOutcome(Status.ACCEPTED, null, "upserted " + row.leadEmail() + " into " + table,
                type, source.workspaceName(), replyId);
    }

    /**
     * Whether a request carrying this secret may deliver: the check {@link #handle} makes first, for a
     * server that wants to refuse a request before reading its body. Constant time (SHA-256 of both,
     * {@link MessageDigest#isEqual}).
     *
     * @param presented the secret the request carried, or {@code null}
     * @return {@code true} when it is the configured secret
     */
    public boolean isAuthorized(@Nullable String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        // Digests have a fixed length, so isEqual's time does not depend on the secret's length or content.
        return MessageDigest.isEqual(secretDigest, sha256(presented));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "WebhookHandler[table=" + table + ", workspaces=" + workspaces.size() + ", secret=<redacted>]";
    }

    /** Builds a {@link WebhookHandler}. Mutable, not thread-safe. */
    public static final class Builder {
        private SupabaseWriter writer;
        private String table = DEFAULT_TABLE;
        private String secret;
        private final List<SourceWorkspace> workspaces = new ArrayList<>();
        private Clock clock = ClientLeadMapper.DEFAULT_CLOCK;
        private Consumer<WebhookOutcome> outcomeListener = o -> { };

        private Builder() {
        }

        /**
         * Called with every outcome {@link #handle} returns, on the calling thread (default: nothing),
         * e.g. {@code io.github.bisonbackfill.core.metrics.MicrometerWebhookMetrics} to count them. It
         * must be thread-safe and quick; a {@link RuntimeException} it throws is logged and ignored.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder outcomeListener(Consumer<WebhookOutcome> listener) {
            this.outcomeListener = Check.notNull("outcomeListener", listener);
            return this;
        }

        /**
         * The writer the rows go through (required). Not closed by the handler.
         *
         * @param writer the writer
         * @return this builder
         */
        public Builder writer(SupabaseWriter writer) {
            this.writer = Check.notNull("writer", writer);
            return this;
        }

        /**
         * The table; default {@link #DEFAULT_TABLE}. It must have the {@code client_leads} schema
         * ({@link ClientLeadsSchema#sql()}).
         *
         * @param table the table name
         * @return this builder
         * @throws IllegalArgumentException if blank
         */
        public Builder table(String table) {
            this.table = Check.notBlank("table", table);
            return this;
        }

        /**
         * The shared secret every request must carry (required), at least {@link #MIN_SECRET_LENGTH}
         * characters. Email Bison signs nothing, so this is the endpoint's only protection: use a long
         * random value and HTTPS.
         *
         * @param secret the secret
         * @return this builder
         * @throws IllegalArgumentException if shorter than {@link #MIN_SECRET_LENGTH} or blank
         */
        public Builder secret(String secret) {
            Check.notNull("secret", secret);
            if (secret.isBlank() || secret.length() < MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException("secret must have at least " + MIN_SECRET_LENGTH
                        + " characters (got " + secret.length() + "); use a long random value");
            }
            this.secret = secret;
            return this;
        }

        /**
         * Adds a known workspace: deliveries whose {@code event.instance_url} has the host (and port)
         * of its {@code baseUrl} and whose {@code event.workspace_id} is its id are written with its
         * instance name and workspace name. Use exactly what the backfill uses, so both write the
         * same conflict key.
         *
         * @param workspace the workspace
         * @return this builder
         */
        public Builder workspace(SourceWorkspace workspace) {
            this.workspaces.add(Check.notNull("workspace", workspace));
            return this;
        }

        /**
         * Adds known workspaces; see {@link #workspace(SourceWorkspace)}.
         *
         * @param workspaces the workspaces
         * @return this builder
         */
        public Builder workspaces(Collection<SourceWorkspace> workspaces) {
            workspaces.forEach(this::workspace);
            return this;
        }

        /**
         * The clock for {@code last_synced_at}; default {@link ClientLeadMapper#DEFAULT_CLOCK}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Check.notNull("clock", clock);
            return this;
        }

        /**
         * Builds the handler.
         *
         * @return an immutable handler
         * @throws IllegalStateException when the writer, the secret or every workspace is missing, or
         *                               a workspace is configured twice
         */
        public WebhookHandler build() {
            if (writer == null) {
                throw new IllegalStateException("writer is required");
            }
            if (secret == null) {
                throw new IllegalStateException("secret is required");
            }
            if (workspaces.isEmpty()) {
                throw new IllegalStateException("at least one workspace is required: deliveries of unknown workspaces are rejected");
            }
            try {
                return new WebhookHandler(this);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }
}
