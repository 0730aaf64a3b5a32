package io.github.bisonbackfill.examples.seed;

import io.github.bisonbackfill.examples.Loopback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.core.ClientLeadMapper;
import io.github.bisonbackfill.core.ClientLeadRow;
import io.github.bisonbackfill.core.ClientLeadsSchema;
import io.github.bisonbackfill.core.Dedup;
import io.github.bisonbackfill.core.SourceWorkspace;
import io.github.bisonbackfill.core.UniqueLead;
import io.github.bisonbackfill.supabase.SupabaseException;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.UpsertOptions;
import io.github.bisonbackfill.supabase.UpsertResult;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The production seed's backfill procedure, reproduced step by step: the baseline the library is
 * measured against (the benchmark) and shown beside (the demo). It is deliberately <b>not</b> safe.
 *
 * <p>Per client, one at a time, with a super-admin key:
 * <ol>
 *   <li>{@code POST /api/workspaces/v1.1/switch-workspace {"team_id": id}}, whatever the answer;</li>
 *   <li>sleep {@link Settings#switchSleep()} (2 s);</li>
 *   <li>{@code GET /api/replies?interested=1&page=N} one page at a time, {@link Settings#pageInterval()}
 *       (200 ms) apart, up to {@code meta.last_page}. {@code interested=1} is not an Email Bison filter
 *       and no {@code folder} is sent, so the seed gets every reply of the Inbox and keeps them all.
 *       A failed page stops the scan and the client is still reported as done;</li>
 *   <li>dedup by email (the nested lead's {@code email}, else {@code from_email_address}, trimmed and
 *       lower-cased) keeping the highest reply id; replies with neither address are dropped (counted in
 *       {@link SeedClientResult#repliesWithoutEmail()});</li>
 *   <li>upsert {@link Settings#upsertBatchSize()} (100) rows a request, {@link Settings#upsertInterval()}
 *       (100 ms) apart, on {@code (lead_email, workspace_name)}; a failed batch is still counted as written;</li>
 *   <li>sleep {@link Settings#clientInterval()} (10 s) before the next client.</li>
 * </ol>
 * Every row is attributed to the client the seed <em>switched to</em>, whatever workspace served the
 * page: with a late switch or another actor switching the same user, rows land under the wrong client.
 *
 * <p>Rows are built with the library's {@link ClientLeadMapper} so that the seed's table and the
 * library's can be compared column by column. One seed defect is not reproduced: the seed stored
 * {@code lead_email} as received; here it is stored as the dedup key (trimmed, lower-cased), which
 * changes neither the time taken nor which client a row is attributed to.
 *
 * <pre>{@code
 * SeedProcedure seed = SeedProcedure.builder()
 *     .baseUrl(instance.baseUrl()).apiKey(instance.superAdminKey()).instanceName("main")
 *     .writer(writer).settings(SeedProcedure.Settings.faithful().scaled(0.1))
 *     .build();
 * SeedRun run = seed.run(List.of(new SeedClient(37, "Harbor Insurance"), new SeedClient(12, "Café Ñandú")));
 * long wrong = run.foreignRows(instance::workspaceOfReply);
 * }</pre>
 *
 * <p>Immutable; {@link #run} may be called repeatedly but is not meant to run concurrently with itself
 * (the seed never did, and the switch is shared state of the user anyway). The writer belongs to the caller.
 */
public final class SeedProcedure {
    /** Table written by default. */
    public static final String DEFAULT_TABLE = ClientLeadsSchema.TABLE;
    /** Bound of one HTTP request to Email Bison. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UpsertOptions UPSERT = UpsertOptions.builder()
            .onConflict(ClientLeadsSchema.CONFLICT_COLUMNS.toArray(String[]::new)).build();
    private static final Dedup<Reply, String> SEED_DEDUP =
            Dedup.keepingGreatest(SeedProcedure::seedEmailKey, Comparator.comparingLong(Reply::id));

    private final URI apiBase;
    private final URI baseUrl;
    private final String apiKey;
    private final String instanceName;
    private final SupabaseWriter writer;
    private final String table;
    private final Settings settings;
    private final ClientLeadMapper mapper = ClientLeadMapper.builder().build();
    private final HttpClient http;

    private SeedProcedure(Builder b) {
        this.baseUrl = b.baseUrl;
        this.apiBase = URI.create(stripSlash(b.baseUrl.toString()) + "/");
        this.apiKey = b.apiKey;
        this.instanceName = b.instanceName != null ? b.instanceName : b.baseUrl.getHost();
        this.writer = b.writer;
        this.table = b.table;
        this.settings = b.settings;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * A builder; {@code baseUrl}, {@code apiKey} and {@code writer} are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the procedure over one batch of clients, in order.
     *
     * @param clients the clients, as the seed's configuration lists them
     * @return per client what was read and written, and the run's totals
     * @throws IllegalArgumentException if {@code clients} is empty
     * @throws IllegalStateException    if interrupted (the interrupt flag is kept)
     */
    public SeedRun run(List<SeedClient> clients) {
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("no clients to run");
        }
        long start = System.nanoTime();
        List<SeedClientResult> results = new ArrayList<>(clients.size());
        long requests = 0;
        for (int i = 0; i < clients.size(); i++) {
            if (i > 0) {
                sleep(settings.clientInterval());
            }
            SeedClientResult r = runClient(Objects.requireNonNull(clients.get(i), "client " + i));
            requests += r.requestsSent();
            results.add(r);
        }
        return new SeedRun(results, requests, Duration.ofNanos(System.nanoTime() - start));
    }

    private SeedClientResult runClient(SeedClient client) {
        long start = System.nanoTime();
        int requests = 1;
        int switchStatus = send(HttpRequest.newBuilder(apiBase.resolve("api/workspaces/v1.1/switch-workspace"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"team_id\": " + client.workspaceId() + "}"))
                .header("Content-Type", "application/json")).statusCode();
        sleep(settings.switchSleep());

        List<Reply> replies = new ArrayList<>();
        String stoppedBy = null;
        int pagesRead = 0;
        for (int page = 1, last = 1; page <= last; page++) {
            if (page > 1) {
                sleep(settings.pageInterval());
            }
            requests++;
            Response response = send(HttpRequest.newBuilder(apiBase.resolve("api/replies?interested=1&page=" + page)).GET());
            if (response.statusCode() != 200) {
                stoppedBy = "page " + page + ": " + (response.statusCode() == 0 ? response.body() : "HTTP " + response.statusCode());
                break;
            }
            try {
                JsonNode json = JSON.readTree(response.body());
                replies.addAll(SeedReplies.parse(json));
                last = SeedReplies.lastPage(json);
                pagesRead++;
            } catch (IOException | RuntimeException e) {
                stoppedBy = "page " + page + ": unreadable body (" + e.getClass().getSimpleName() + ")";
                break;
            }
        }

        List<Reply> withEmail = replies.stream().filter(r -> seedEmailKey(r) != null).toList();
        List<UniqueLead> leads = SEED_DEDUP.apply(withEmail).unique().stream()
                .map(r -> new UniqueLead(seedEmailKey(r), r)).toList();
        List<ClientLeadRow> rows = mapper.mapAll(leads,
                new SourceWorkspace(instanceName, baseUrl, client.workspaceId(), client.name()));

        int reported = 0;
        long acknowledged = 0;
        int failedBatches = 0;
        int size = settings.upsertBatchSize();
        for (int from = 0; from < rows.size(); from += size) {
            if (from > 0) {
                sleep(settings.upsertInterval());
            }
            List<ClientLeadRow> batch = rows.subList(from, Math.min(rows.size(), from + size));
            try {
                UpsertResult r = writer.upsert(table, batch, UPSERT);
                acknowledged += r.rowsAcknowledged();
                if (!r.complete()) {
                    failedBatches++;
                }
            } catch (SupabaseException e) {
                failedBatches++;
            }
            reported += batch.size();
        }
        List<Long> written = rows.stream().map(ClientLeadRow::bisonReplyId).toList();
        return new SeedClientResult(client, switchStatus, pagesRead, replies.size(), replies.size() - withEmail.size(),
                stoppedBy, written, reported, acknowledged, failedBatches, requests,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** The seed's dedup key: the lead's email, else the from address, trimmed and lower-cased; null if neither. */
    static String seedEmailKey(Reply r) {
        String raw = r.lead() != null && r.lead().email() != null && !r.lead().email().isBlank()
                ? r.lead().email() : r.fromEmailAddress();
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return raw.strip().toLowerCase(Locale.ROOT);
    }

    private record Response(int statusCode, String body) {
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(DEFAULT_REQUEST_TIMEOUT)
                    .header("Authorization", "Bearer " + apiKey).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Response(0, "no response (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("seed procedure interrupted", e);
        }
    }

    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("seed procedure interrupted", e);
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String toString() {
        return "SeedProcedure[" + instanceName + " " + baseUrl + ", table " + table + ", " + settings + "]";
    }

    /**
     * The seed's sleeps and batch size. {@link #faithful()} are the production values; {@link #scaled}
     * shrinks the sleeps for a demo or a test (the order of operations stays the same).
     *
     * @param switchSleep     after the switch, before page 1 (seed: 2 s)
     * @param pageInterval    between pages (seed: 200 ms)
     * @param upsertBatchSize rows per upsert request (seed: 100)
     * @param upsertInterval  between upsert requests (seed: 100 ms)
     * @param clientInterval  between clients (seed: 10 s)
     */
    public record Settings(Duration switchSleep, Duration pageInterval, int upsertBatchSize,
                           Duration upsertInterval, Duration clientInterval) {
        /**
         * @throws NullPointerException     if a duration is {@code null}
         * @throws IllegalArgumentException if a duration is negative or the batch size not positive
         */
        public Settings {
            for (Duration d : List.of(switchSleep, pageInterval, upsertInterval, clientInterval)) {
                if (Objects.requireNonNull(d, "durations must not be null").isNegative()) {
                    throw new IllegalArgumentException("seed sleeps must not be negative, got " + d);
                }
            }
            if (upsertBatchSize < 1) {
                throw new IllegalArgumentException("upsertBatchSize must be positive, got " + upsertBatchSize);
            }
        }

        /** The production seed: 2 s after the switch, 200 ms between pages, 100 rows a batch 100 ms apart, 10 s between clients. */
        public static Settings faithful() {
            return new Settings(Duration.ofSeconds(2), Duration.ofMillis(200), 100, Duration.ofMillis(100),
                    Duration.ofSeconds(10));
        }

        /** The seed's troubleshooting advice: 5 s after the switch and 15 s between clients. */
        public static Settings troubleshooting() {
            return new Settings(Duration.ofSeconds(5), Duration.ofMillis(200), 100, Duration.ofMillis(100),
                    Duration.ofSeconds(15));
        }

        /** The same procedure without any sleep (batches of 100): for tests. */
        public static Settings noSleeps() {
            return faithful().scaled(0);
        }

        /**
         * These settings with every sleep multiplied by {@code factor} (batch size unchanged).
         *
         * @param factor 0 or more, e.g. 0.1 for a demo
         * @return the scaled settings
         * @throws IllegalArgumentException if {@code factor} is negative or not finite
         */
        public Settings scaled(double factor) {
            if (!(factor >= 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("factor must be a finite number >= 0, got " + factor);
            }
            return new Settings(scale(switchSleep, factor), scale(pageInterval, factor), upsertBatchSize,
                    scale(upsertInterval, factor), scale(clientInterval, factor));
        }

        private static Duration scale(Duration d, double factor) {
            return Duration.ofNanos(Math.round(d.toNanos() * factor));
        }
    }

    /** Builder of {@link SeedProcedure}; not thread-safe. */
    public static final class Builder {
        private URI baseUrl;
        private String apiKey;
        private String instanceName;
        private SupabaseWriter writer;
        private String table = DEFAULT_TABLE;
        private Settings settings = Settings.faithful();

        private Builder() {
        }

        /**
         * The Email Bison instance, e.g. {@code https://send.agency.example} ({@code /api} is added).
         * {@code http://} only for a loopback host (the simulator).
         *
         * @param baseUrl the base URL
         * @return this builder
         * @throws IllegalArgumentException if it is not an absolute https URL, or http on a non-loopback host
         */
        public Builder baseUrl(String baseUrl) {
            URI uri = URI.create(stripSlash(Objects.requireNonNull(baseUrl, "baseUrl")));
            if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL, got: " + baseUrl);
            }
            if ("http".equals(uri.getScheme()) && !Loopback.isLoopback(uri.getHost())) {
                throw new IllegalArgumentException("plain http is only allowed for a loopback host, got: " + baseUrl);
            }
            this.baseUrl = uri;
            return this;
        }

        /**
         * The super-admin key ({@code <id>|<secret>}) the seed used. Never logged or printed.
         *
         * @param apiKey the key
         * @return this builder
         */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /**
         * The {@code bison_instance} written to each row. Default: the base URL's host.
         *
         * @param instanceName the name (use the same as the library's {@code BisonClient.instanceName()}
         *                     to compare tables)
         * @return this builder
         */
        public Builder instanceName(String instanceName) {
            this.instanceName = Objects.requireNonNull(instanceName, "instanceName");
            return this;
        }

        /**
         * Where the rows go; owned by the caller (not closed).
         *
         * @param writer the writer
         * @return this builder
         */
        public Builder writer(SupabaseWriter writer) {
            this.writer = Objects.requireNonNull(writer, "writer");
            return this;
        }

        /**
         * The table (created by {@code ClientLeadsSchema.sql(table)}). Default {@link #DEFAULT_TABLE}.
         *
         * @param table the table name
         * @return this builder
         */
        public Builder table(String table) {
            this.table = Objects.requireNonNull(table, "table");
            return this;
        }

        /**
         * The sleeps and batch size. Default {@link Settings#faithful()}.
         *
         * @param settings the settings
         * @return this builder
         */
        public Builder settings(Settings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Builds the procedure.
         *
         * @return the procedure
         * @throws IllegalStateException if {@code baseUrl}, {@code apiKey} or {@code writer} is missing
         */
        public SeedProcedure build() {
            if (baseUrl == null) {
                throw new IllegalStateException("baseUrl is required");
            }
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalStateException("apiKey is required (the super-admin key the seed used)");
            }
            if (writer == null) {
                throw new IllegalStateException("writer is required");
            }
            return new SeedProcedure(this);
        }
    }
}
