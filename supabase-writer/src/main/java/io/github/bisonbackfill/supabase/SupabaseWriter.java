package io.github.bisonbackfill.supabase;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.github.bisonbackfill.supabase.internal.DaemonThreads;
import io.github.bisonbackfill.supabase.internal.Check;
import io.github.bisonbackfill.supabase.internal.ContentRange;
import io.github.bisonbackfill.supabase.internal.Errors;
import io.github.bisonbackfill.supabase.internal.QueryEncoding;
import io.github.bisonbackfill.supabase.internal.Redaction;
import io.github.bisonbackfill.supabase.internal.RestClient;
import io.github.bisonbackfill.supabase.internal.RestResponse;
import io.github.bisonbackfill.supabase.internal.RowPreparer;
import io.github.bisonbackfill.supabase.internal.WriteCall;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Writes rows to a Supabase table through its REST API (PostgREST): batched, concurrent, idempotent
 * upserts with per-row error reports, plus exact counts and paged reads for verification.
 *
 * <pre>{@code
 * try (SupabaseWriter writer = SupabaseWriter.builder()
 *         .projectUrl("https://abc.supabase.co")
 *         .apiKey(System.getenv("SUPABASE_SERVICE_ROLE_KEY"))
 *         .build()) {
 *     UpsertResult r = writer.upsert("client_leads", rows,
 *             UpsertOptions.builder().onConflict("lead_email", "workspace_name").build());
 *     r.rejected().forEach(rej -> System.err.println(rej.error().message() + ": " + rej.row()));
 *     long n = writer.count("client_leads", Filter.eq("workspace_name", "O'Brien & Sons, LLC"));
 * }
 * }</pre>
 *
 * <p>Thread-safe: one writer (one connection pool, one worker pool) serves any number of threads.
 * {@link #close()} releases both. The API key never appears in logs, messages or {@link #toString()}.
 */
public final class SupabaseWriter implements AutoCloseable {
    /**
     * Default rows per request: 500. Measured on the local PostgREST 12 (docs/benchmarks.md): 100-row
     * batches are 40-60 % slower, 500 and 1000 are equal within the noise; smaller requests stay further
     * from Supabase's 8 s statement timeout and gateway limits and make isolating a bad row cheaper.
     */
    public static final int DEFAULT_BATCH_SIZE = 500;
    /** Default cap on a request's JSON body: 1 MB (a batch is cut at whichever limit comes first). */
    public static final long DEFAULT_MAX_BATCH_BYTES = 1_000_000;
    /**
     * Default requests in flight per call: 2. Measured (docs/benchmarks.md): 1 → 2 gives most of the
     * gain (x1.3-1.7), 3-4 add little and load a small Supabase instance more.
     */
    public static final int DEFAULT_CONCURRENT_BATCHES = 2;
    /** Default TCP connect timeout: 10 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default bound on one attempt, from sending to the last byte of the answer: 60 s. */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(60);
    /** Default bound on one request with all its retries and backoff: 5 min. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(5);
    /** Default attempts per request (1 + retries): 6. */
    public static final int DEFAULT_MAX_ATTEMPTS = 6;
    /** Default first backoff delay: 500 ms (doubling, jittered, capped by {@link #DEFAULT_RETRY_MAX_DELAY}). */
    public static final Duration DEFAULT_RETRY_BASE_DELAY = Duration.ofMillis(500);
    /** Default backoff cap: 30 s. A server's {@code Retry-After} is honoured even when longer. */
    public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofSeconds(30);
    /**
     * Former name of {@link #DEFAULT_RETRY_BASE_DELAY}.
     *
     * @deprecated use {@link #DEFAULT_RETRY_BASE_DELAY} (one name for the option in both clients)
     */
    @Deprecated(forRemoval = true)
    public static final Duration DEFAULT_RETRY_DELAY = DEFAULT_RETRY_BASE_DELAY;
    /**
     * Former name of {@link #DEFAULT_RETRY_MAX_DELAY}.
     *
     * @deprecated use {@link #DEFAULT_RETRY_MAX_DELAY} (one name for the option in both clients)
     */
    @Deprecated(forRemoval = true)
    public static final Duration DEFAULT_MAX_RETRY_DELAY = DEFAULT_RETRY_MAX_DELAY;
    /** Default rows per page for {@link #select}: 1000 (Supabase's default {@code max-rows}). */
    public static final int DEFAULT_PAGE_SIZE = 1000;
    /**
     * The User-Agent every request carries unless {@link Builder#httpClientCustomizer} sets another:
     * {@code bison-backfill/<version> (supabase-writer)}.
     */
    public static final String USER_AGENT = RestClient.USER_AGENT;

    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private static final TypeReference<List<Map<String, @Nullable Object>>> ROWS = new TypeReference<>() { };
    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final String restUrl;
    private final @Nullable String schema;
    private final int batchSize;
    private final long maxBatchBytes;
    private final int concurrentBatches;
    private final int pageSize;
    private final ObjectMapper mapper;
    private final RestClient rest;
    private final RowPreparer preparer;
    private final @Nullable ExecutorService pool;
    /** Every setting this writer was built with, for {@link #toBuilder()} (holds the key: never shown). */
    private final Builder settings;

    private SupabaseWriter(Builder b, String restUrl) {
        this.settings = new Builder(b);
        this.restUrl = restUrl;
        this.schema = b.schema;
        this.batchSize = b.batchSize;
        this.maxBatchBytes = b.maxBatchBytes;
        this.concurrentBatches = b.concurrentBatches;
        this.pageSize = b.pageSize;
        this.mapper = b.objectMapper != null ? b.objectMapper : defaultMapper();
        this.rest = new RestClient(restUrl, b.apiKey, b.schema, b.connectTimeout, b.attemptTimeout, b.callTimeout,
                b.maxAttempts, b.retryBaseDelay, b.retryMaxDelay, concurrentBatches + 2, mapper, Clock.systemUTC(),
                b.httpClientCustomizer);
        this.preparer = new RowPreparer(mapper);
        int poolId = POOL_IDS.incrementAndGet();
        this.pool = concurrentBatches > 1
                ? Executors.newFixedThreadPool(concurrentBatches, DaemonThreads.named("supabase-writer-" + poolId))
                : null;
    }

    private static ObjectMapper defaultMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A new builder pre-filled with every setting of this writer, the key included (it is never shown
     * by the builder's {@code toString()}), so that a variant is one call away:
     * {@code writer.toBuilder().batchSize(100).build()}. Changing the builder does not change this writer.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(settings);
    }

    /**
     * Upserts rows ({@code POST} with {@code on_conflict}, {@code Prefer: resolution=...}).
     *
     * <p>Rows are maps or Jackson-serialisable objects (records, beans; {@code java.time} values are
     * written as ISO-8601). Rows of the call sharing a conflict key are reduced to one by the options'
     * {@link DuplicateRule} before anything is sent. Rows are grouped by their set of keys and each
     * request names its columns ({@code columns=}), so rows with different keys work and a key a row
     * leaves out is never written as NULL over a stored value: with {@link Resolution#MERGE_DUPLICATES}
     * only the row's own columns are updated. Requests of up to {@link Builder#batchSize} rows
     * ({@link Builder#maxBatchBytes} bytes) run {@link Builder#concurrentBatches} at a time.
     *
     * <p>A batch answered 413, 504 or {@code 57014} (statement timeout) is split in halves and resent.
     * A batch with a row the database refuses (NOT NULL, type, check, foreign key, unique,
     * trigger exception) is bisected until that row is alone; the row is reported in
     * {@link UpsertResult#rejected()} and the rest is written. A row whose conflict key is null or
     * missing is reported without being sent (status 0, code {@code 23502}). Network errors, 429
     * (honouring {@code Retry-After}), 502, 503, 504, 520 and {@code PGRST000-003} are retried with
     * jittered exponential backoff; a merge or ignore upsert is idempotent, so resending is safe.
     *
     * @param table   the table (or updatable view)
     * @param rows    the rows; may be empty
     * @param options conflict columns, resolution, duplicate rule, listener
     * @return every row acknowledged or rejected ({@link UpsertResult#complete()} holds)
     * @throws IllegalArgumentException when a row is null, not a JSON object or has no columns
     * @throws SupabaseAuthException     on 401/403: wrong key, or its role lacks privileges / RLS
     * @throws SupabaseNotFoundException on 404: unknown table or schema
     * @throws SupabaseServiceException  on any other error not attributable to a row (unknown column,
     *                                   no unique constraint matching {@code on_conflict}, retries exhausted);
     *                                   rows already acknowledged stay written
     * @throws SupabaseIoException       when no answer was obtained after the retries
     */
    public UpsertResult upsert(String table, Collection<?> rows, UpsertOptions options) {
        requireTable(table);
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(options, "options");
        RowPreparer.Prepared prepared = preparer.prepare(rows, options.onConflict(), options.duplicateRule(),
                batchSize, maxBatchBytes);
        return new WriteCall(rest, mapper, table, options.onConflict(), options.resolution(), options.listener())
                .run(prepared, rows.size(), pool);
    }

    /**
     * Inserts rows (plain {@code POST}, no conflict handling), batched like {@link #upsert}.
     *
     * <p>An insert is not idempotent, so it is retried only when the server certainly did not process
     * it: the connection could not be established, 429, 503, or {@code PGRST000/002/003} (PostgREST had
     * no database connection). It is split on 413 and {@code 57014} (the statement was rolled back),
     * but a 504 or a lost connection after sending fails the call: the batch may have been written.
     * Rows the database refuses (a duplicate key: {@code 409 23505}, NOT NULL, ...) are isolated and
     * reported as for {@link #upsert}.
     *
     * @param table the table
     * @param rows  the rows
     * @return the result ({@code duplicatesDropped} is 0)
     * @throws IllegalArgumentException  when a row is null, not a JSON object or has no columns
     * @throws SupabaseAuthException     on 401/403
     * @throws SupabaseNotFoundException on 404
     * @throws SupabaseServiceException  on other errors not attributable to a row
     * @throws SupabaseIoException       when no answer was obtained
     */
    public UpsertResult insert(String table, Collection<?> rows) {
        return insert(table, rows, BatchListener.none());
    }

    /**
     * Inserts rows with a per-batch progress listener; see {@link #insert(String, Collection)}.
     *
     * @param table    the table
     * @param rows     the rows
     * @param listener told after each batch
     * @return the result
     */
    public UpsertResult insert(String table, Collection<?> rows, BatchListener listener) {
        requireTable(table);
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(listener, "listener");
        RowPreparer.Prepared prepared = preparer.prepare(rows, List.of(), DuplicateRule.lastWins(), batchSize, maxBatchBytes);
        return new WriteCall(rest, mapper, table, List.of(), null, listener).run(prepared, rows.size(), pool);
    }

    /**
     * Counts the rows matching all filters exactly ({@code HEAD} with {@code Prefer: count=exact}).
     * Retried like an upsert.
     *
     * <p>Under row-level security a key without a SELECT policy counts 0 without error: use the
     * service-role key for verification.
     *
     * @param table   the table
     * @param filters filters, ANDed; none counts the whole table
     * @return the number of matching rows
     * @throws SupabaseAuthException     on 401/403
     * @throws SupabaseNotFoundException on 404
     * @throws SupabaseServiceException  on other errors (e.g. a filter on an unknown column)
     * @throws SupabaseIoException       when no answer or no count was obtained
     */
    public long count(String table, Filter... filters) {
        requireTable(table);
        String action = "count of " + table;
        StringBuilder path = new StringBuilder("/").append(QueryEncoding.encode(table)).append("?select=*");
        appendFilters(path, filters);
        RestClient.Outcome outcome = rest.send(new RestClient.Request("HEAD", path.toString(),
                // PostgREST 12 (Warp) closes the connection after a HEAD answer without saying so:
                // ask for the close, else the pooled connection fails the next request.
                Map.of("Prefer", "count=exact", "Connection", "close"), null), RestClient.RetryMode.IDEMPOTENT, action, () -> { });
        RestResponse response = outcome.response();
        failUnlessSuccessful(action, table, outcome);
        long total = ContentRange.total(response.header("Content-Range"));
        if (total < 0) {
            throw new SupabaseIoException(action + ": the answer carried no count (Content-Range: "
                    + response.header("Content-Range") + "); a proxy may strip the header", null);
        }
        return total;
    }

    /**
     * Reads every row matching the filters, paging internally ({@link Builder#pageSize} rows per
     * request, ordered by the selected columns so that pages neither overlap nor skip rows).
     *
     * @param table   the table
     * @param columns comma-separated plain column names, e.g. {@code "lead_email,bison_reply_id"}
     *                ({@code *}, embeds and casts are refused: pages are ordered by these columns)
     * @param filters filters, ANDed
     * @return the rows, column to JSON value (strings, numbers, booleans, lists, maps)
     * @throws IllegalArgumentException  when {@code columns} is blank or not plain column names
     * @throws SupabaseAuthException     on 401/403
     * @throws SupabaseNotFoundException on 404
     * @throws SupabaseServiceException  on other errors (e.g. an unknown column: {@code 42703})
     * @throws SupabaseIoException       when no answer or a malformed one was obtained
     */
    public List<Map<String, @Nullable Object>> select(String table, String columns, Filter... filters) {
        requireTable(table);
        List<String> names = plainColumns(columns);
        String action = "select from " + table;
        StringJoiner select = new StringJoiner(",");
        names.forEach(n -> select.add(QueryEncoding.encode(n)));
        StringBuilder base = new StringBuilder("/").append(QueryEncoding.encode(table))
                .append("?select=").append(select).append("&order=").append(select);
        appendFilters(base, filters);
        List<Map<String, @Nullable Object>> all = new ArrayList<>();
        long total = -1;
        while (true) {
            String path = base + "&limit=" + pageSize + "&offset=" + all.size();
            Map<String, String> headers = total < 0 ? Map.of("Prefer", "count=exact") : Map.of();
            RestClient.Outcome outcome = rest.send(new RestClient.Request("GET", path, headers, null),
                    RestClient.RetryMode.IDEMPOTENT, action, () -> { }, this::isJsonArray);
            failUnlessSuccessful(action, table, outcome);
            RestResponse response = outcome.response();
            if (total < 0) {
                total = ContentRange.total(response.header("Content-Range"));
            }
            List<Map<String, @Nullable Object>> page;
            try {
                page = mapper.readValue(response.body(), ROWS);
            } catch (IOException e) {
                throw new SupabaseIoException(action + ": the answer is not a JSON array of rows", e);
            }
            all.addAll(page);
            // A server whose max-rows is below pageSize returns short pages: go on until the count is reached.
            if (page.isEmpty() || (total >= 0 && all.size() >= total) || (total < 0 && page.size() < pageSize)) {
                return all;
            }
        }
    }

    /** Whether an answer's body is a complete JSON array (a cut or proxied one is asked again). */
    private boolean isJsonArray(RestResponse response) {
        try {
            return mapper.readTree(response.body()) instanceof com.fasterxml.jackson.databind.node.ArrayNode;
        } catch (IOException e) {
            return false;
        }
    }

    private void failUnlessSuccessful(String action, String table, RestClient.Outcome outcome) {
        RestResponse response = outcome.response();
        if (!response.successful()) {
            PostgrestError error = Errors.parse(mapper, response);
            throw Errors.toException(action, table, restUrl + (schema == null ? "" : " (schema " + schema + ")"),
                    error, outcome.attempts(), null);
        }
    }

    private static void appendFilters(StringBuilder path, Filter... filters) {
        for (Filter f : filters) {
            path.append('&').append(Objects.requireNonNull(f, "filter").toQueryParameter());
        }
    }

    private static List<String> plainColumns(String columns) {
        if (columns == null || columns.isBlank()) {
            throw new IllegalArgumentException("columns must name at least one column");
        }
        List<String> names = new ArrayList<>();
        for (String part : columns.split(",")) {
            String name = part.trim();
            if (name.isEmpty() || name.contains("*") || name.contains("(") || name.contains(":") || name.contains("->")) {
                throw new IllegalArgumentException("select needs plain column names (pages are ordered by them), got '"
                        + columns + "'");
            }
            names.add(name);
        }
        return names;
    }

    private static void requireTable(String table) {
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException("table must not be blank");
        }
    }

    /** The REST base URL requests go to (e.g. {@code https://abc.supabase.co/rest/v1}). */
    public String restUrl() {
        return restUrl;
    }

    /** Rows per request. */
    public int batchSize() {
        return batchSize;
    }

    /** Requests in flight per call. */
    public int concurrentBatches() {
        return concurrentBatches;
    }

    /** Releases the connection pool and worker threads. Calls in progress fail. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        try {
            rest.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the HTTP client failed", e);
        }
    }

    @Override
    public String toString() {
        return "SupabaseWriter[restUrl=" + restUrl + ", schema=" + (schema == null ? "default" : schema)
                + ", batchSize=" + batchSize + ", concurrentBatches=" + concurrentBatches + ", apiKey=<redacted>]";
    }

    /**
     * Builds a {@link SupabaseWriter}. Mutable, not thread-safe; {@link #build()} may be called again.
     * Required: {@link #projectUrl} or {@link #restUrl}, and {@link #apiKey}.
     */
    public static final class Builder {
        private @Nullable String projectUrl;
        private @Nullable String restUrl;
        private @Nullable String apiKey;
        private @Nullable String schema;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
        private int concurrentBatches = DEFAULT_CONCURRENT_BATCHES;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
        private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration retryBaseDelay = DEFAULT_RETRY_BASE_DELAY;
        private Duration retryMaxDelay = DEFAULT_RETRY_MAX_DELAY;
        private int pageSize = DEFAULT_PAGE_SIZE;
        private boolean allowInsecureHttp;
        private @Nullable ObjectMapper objectMapper;
        private Consumer<HttpClientBuilder> httpClientCustomizer = b -> { };

        private Builder() {
        }

        /** A copy of {@code other}: every field (a test compares them all). */
        private Builder(Builder other) {
            this.projectUrl = other.projectUrl;
            this.restUrl = other.restUrl;
            this.apiKey = other.apiKey;
            this.schema = other.schema;
            this.batchSize = other.batchSize;
            this.maxBatchBytes = other.maxBatchBytes;
            this.concurrentBatches = other.concurrentBatches;
            this.connectTimeout = other.connectTimeout;
            this.attemptTimeout = other.attemptTimeout;
            this.callTimeout = other.callTimeout;
            this.maxAttempts = other.maxAttempts;
            this.retryBaseDelay = other.retryBaseDelay;
            this.retryMaxDelay = other.retryMaxDelay;
            this.pageSize = other.pageSize;
            this.allowInsecureHttp = other.allowInsecureHttp;
            this.objectMapper = other.objectMapper;
            this.httpClientCustomizer = other.httpClientCustomizer;
        }

        /**
         * The Supabase project URL, e.g. {@code https://abc.supabase.co}; {@code /rest/v1} is appended.
         * Replaces any {@link #restUrl}.
         *
         * @param projectUrl the project URL
         * @return this builder
         */
        public Builder projectUrl(String projectUrl) {
            this.projectUrl = Check.notBlank("projectUrl", projectUrl);
            this.restUrl = null;
            return this;
        }

        /**
         * A raw PostgREST base URL, used as is (e.g. {@code http://127.0.0.1:3000}). Replaces any
         * {@link #projectUrl}.
         *
         * @param restUrl the PostgREST base URL
         * @return this builder
         */
        public Builder restUrl(String restUrl) {
            this.restUrl = Check.notBlank("restUrl", restUrl);
            this.projectUrl = null;
            return this;
        }

        /**
         * The key, sent as {@code apikey} and {@code Authorization: Bearer}. Use the service-role /
         * secret key: it bypasses row-level security. Required; never logged or shown.
         *
         * @param apiKey the key: printable ASCII, no whitespace
         * @return this builder
         * @throws IllegalArgumentException when it is blank or holds whitespace or non-ASCII characters
         *                                  (the message never shows the key)
         */
        public Builder apiKey(String apiKey) {
            if (Check.notNull("apiKey", apiKey).isBlank()) {
                throw new IllegalArgumentException("apiKey must not be blank: the project's service_role / secret key");
            }
            if (apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw new IllegalArgumentException("apiKey contains whitespace or non-ASCII characters: copy the key again");
            }
            this.apiKey = apiKey;
            return this;
        }

        /**
         * The schema ({@code Content-Profile}/{@code Accept-Profile}); default: the server's first
         * exposed schema ({@code public} on Supabase).
         *
         * @param schema the schema name, not blank; {@code null} for the server's default
         * @return this builder
         */
        public Builder schema(@Nullable String schema) {
            if (schema != null && schema.isBlank()) {
                throw new IllegalArgumentException("schema must not be blank (null, or leave it unset, for the server's default)");
            }
            this.schema = schema;
            return this;
        }

        /**
         * Rows per request. Default {@link #DEFAULT_BATCH_SIZE}.
         *
         * @param batchSize 1 or more
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = (int) Check.atLeast("batchSize", batchSize, 1);
            return this;
        }

        /**
         * Cap on a request's JSON body in bytes. Default {@link #DEFAULT_MAX_BATCH_BYTES}.
         *
         * @param maxBatchBytes 1 or more
         * @return this builder
         */
        public Builder maxBatchBytes(long maxBatchBytes) {
            this.maxBatchBytes = Check.atLeast("maxBatchBytes", maxBatchBytes, 1);
            return this;
        }

        /**
         * Requests in flight per call. Default {@link #DEFAULT_CONCURRENT_BATCHES}.
         *
         * @param concurrentBatches 1 or more
         * @return this builder
         */
        public Builder concurrentBatches(int concurrentBatches) {
            this.concurrentBatches = (int) Check.atLeast("concurrentBatches", concurrentBatches, 1);
            return this;
        }

        /**
         * TCP connect timeout. Default {@link #DEFAULT_CONNECT_TIMEOUT}.
         *
         * @param connectTimeout positive
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Check.positive("connectTimeout", connectTimeout);
            return this;
        }

        /**
         * Bound on one attempt, from sending to the last byte of the answer; an attempt that takes
         * longer is aborted and counts as a network error. Default {@link #DEFAULT_ATTEMPT_TIMEOUT}.
         *
         * @param attemptTimeout positive
         * @return this builder
         */
        public Builder attemptTimeout(Duration attemptTimeout) {
            this.attemptTimeout = Check.positive("attemptTimeout", attemptTimeout);
            return this;
        }

        /**
         * Bound on one request with all its retries and backoff; no retry starts after it.
         * Default {@link #DEFAULT_CALL_TIMEOUT}.
         *
         * @param callTimeout positive
         * @return this builder
         */
        public Builder callTimeout(Duration callTimeout) {
            this.callTimeout = Check.positive("callTimeout", callTimeout);
            return this;
        }

        /**
         * Attempts per request, the first included; 1 disables retries. Default {@link #DEFAULT_MAX_ATTEMPTS}.
         *
         * @param maxAttempts 1 or more
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = (int) Check.atLeast("maxAttempts", maxAttempts, 1);
            return this;
        }

        /**
         * First backoff delay; it doubles per retry, jittered, up to {@link #retryMaxDelay}.
         * Default {@link #DEFAULT_RETRY_BASE_DELAY}. Same name as {@code BisonClient.Builder}'s.
         *
         * @param delay positive
         * @return this builder
         */
        public Builder retryBaseDelay(Duration delay) {
            this.retryBaseDelay = Check.positive("retryBaseDelay", delay);
            return this;
        }

        /**
         * Backoff cap. A server's {@code Retry-After} is honoured even when longer (within the call
         * timeout). Default {@link #DEFAULT_RETRY_MAX_DELAY}. Same name as {@code BisonClient.Builder}'s.
         *
         * @param delay positive, not below {@link #retryBaseDelay} (checked by {@link #build()})
         * @return this builder
         */
        public Builder retryMaxDelay(Duration delay) {
            this.retryMaxDelay = Check.positive("retryMaxDelay", delay);
            return this;
        }

        /**
         * Former name of {@link #retryBaseDelay(Duration)}.
         *
         * @param retryDelay positive
         * @return this builder
         * @deprecated use {@link #retryBaseDelay(Duration)}, the name both clients share
         */
        @Deprecated(forRemoval = true)
        public Builder retryDelay(Duration retryDelay) {
            return retryBaseDelay(retryDelay);
        }

        /**
         * Former name of {@link #retryMaxDelay(Duration)}.
         *
         * @param maxRetryDelay positive
         * @return this builder
         * @deprecated use {@link #retryMaxDelay(Duration)}, the name both clients share
         */
        @Deprecated(forRemoval = true)
        public Builder maxRetryDelay(Duration maxRetryDelay) {
            return retryMaxDelay(maxRetryDelay);
        }

        /**
         * Rows per page for {@link SupabaseWriter#select}. Default {@link #DEFAULT_PAGE_SIZE}.
         *
         * @param pageSize 1 or more
         * @return this builder
         */
        public Builder pageSize(int pageSize) {
            this.pageSize = (int) Check.atLeast("pageSize", pageSize, 1);
            return this;
        }

        /**
         * Allows plain {@code http://} to a host that is not loopback (the key would travel in clear
         * text). Default {@code false}: {@code http://} only for {@code localhost}, {@code 127.x.x.x},
         * {@code [::1]}.
         *
         * @param allowInsecureHttp whether to allow it
         * @return this builder
         */
        public Builder allowInsecureHttp(boolean allowInsecureHttp) {
            this.allowInsecureHttp = allowInsecureHttp;
            return this;
        }

        /**
         * The Jackson mapper used to serialise rows and read answers. Default: a mapper with the
         * {@code java.time} module, dates as ISO-8601 strings. The writer does not modify it.
         *
         * @param objectMapper the mapper
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Check.notNull("objectMapper", objectMapper);
            return this;
        }

        /**
         * Customises the Apache HttpClient 5 the writer builds: the one place where HttpClient types
         * are exposed, for an explicit proxy, another User-Agent, interceptors or
         * {@code httpclient5-observation} (see {@code docs/metrics.md}). Called once, in {@link #build()},
         * after the library configured the builder (connection pool and timeouts, no automatic retries,
         * no redirects, no cookies, {@link HttpClientBuilder#useSystemProperties() system properties} for
         * the proxy, {@link SupabaseWriter#USER_AGENT}). Default: nothing. Do not replace the connection
         * manager or enable retries or redirects there: the writer's timeouts, its single retry layer
         * and its refusal to follow redirects depend on them.
         *
         * @param customizer called with the builder
         * @return this builder
         */
        public Builder httpClientCustomizer(Consumer<HttpClientBuilder> customizer) {
            this.httpClientCustomizer = Check.notNull("httpClientCustomizer", customizer);
            return this;
        }

        /**
         * Builds the writer.
         *
         * @return a new writer (close it when done)
         * @throws IllegalStateException when a required setting is missing, {@link #retryMaxDelay} is below
         *                               {@link #retryBaseDelay}, or the URL is invalid or plain http to a
         *                               non-loopback host without {@link #allowInsecureHttp} (each setter
         *                               has already checked its own value)
         */
        public SupabaseWriter build() {
            if (projectUrl == null && restUrl == null) {
                throw new IllegalStateException("projectUrl (https://<ref>.supabase.co) or restUrl is required");
            }
            if (apiKey == null) {
                throw new IllegalStateException("apiKey is required: the project's service_role / secret key");
            }
            if (retryMaxDelay.compareTo(retryBaseDelay) < 0) {
                throw new IllegalStateException("retryMaxDelay " + retryMaxDelay + " must not be below retryBaseDelay "
                        + retryBaseDelay);
            }
            return new SupabaseWriter(this, validatedUrl());
        }

        /** The settings, without the key (shown only as set or not) and without the URL's query or credentials. */
        @Override
        public String toString() {
            String url = projectUrl != null ? "projectUrl=" + shown(projectUrl) : restUrl != null ? "restUrl=" + shown(restUrl)
                    : "url=none";
            return "SupabaseWriter.Builder[" + url + ", schema=" + (schema == null ? "default" : schema)
                    + ", batchSize=" + batchSize + ", concurrentBatches=" + concurrentBatches
                    + ", apiKey=" + (apiKey == null ? "none" : "<redacted>") + "]";
        }

        private String validatedUrl() {
            String raw = Check.notNull("url", projectUrl != null ? projectUrl : restUrl).strip();
            while (raw.endsWith("/")) {
                raw = raw.substring(0, raw.length() - 1);
            }
            URI uri;
            try {
                uri = new URI(raw);
            } catch (URISyntaxException e) {
                throw new IllegalStateException("not a URL: " + shown(raw) + " (" + e.getReason() + ")");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
                throw new IllegalStateException("the URL must be http(s)://host[:port][/path], got " + shown(raw));
            }
            if (uri.getRawUserInfo() != null) {
                throw new IllegalStateException("the URL must not carry credentials (user:password@): pass the key with"
                        + " apiKey(...); got " + shown(raw));
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalStateException("the URL must not have a query or fragment (a key belongs in apiKey(...)): "
                        + shown(raw));
            }
            if (!Redaction.text(raw).equals(raw)) {
                throw new IllegalStateException("the URL contains something shaped like a key (a key belongs in"
                        + " apiKey(...)): " + shown(raw));
            }
            if (scheme.equals("http") && !allowInsecureHttp && !loopback(uri.getHost())) {
                throw new IllegalStateException("plain http:// is allowed only for loopback hosts (the key would travel in"
                        + " clear text): use https://, or allowInsecureHttp(true) if you mean it; got host " + uri.getHost());
            }
            return projectUrl != null ? raw + "/rest/v1" : raw;
        }

        /**
         * A URL as it may appear in a message: no query, fragment or user info (they can hold secrets),
         * nothing shaped like a key (one pasted where the URL belongs), at most 200 characters.
         */
        private static String shown(String raw) {
            String v = Redaction.text(raw);
            int cut = v.length();
            for (char c : new char[] {'?', '#'}) {
                int i = v.indexOf(c);
                if (i >= 0) {
                    cut = Math.min(cut, i);
                }
            }
            String tail = cut < v.length() ? "<query hidden>" : "";
            v = v.substring(0, cut);
            int at = v.indexOf('@');
            if (at >= 0) {
                int start = v.indexOf("//");
                v = (start >= 0 && start < at ? v.substring(0, start + 2) : "") + "<credentials hidden>" + v.substring(at);
            }
            return v.length() > 200 ? v.substring(0, 200) + "..." : v + tail;
        }

        private static boolean loopback(String host) {
            String h = host.toLowerCase(Locale.ROOT);
            return h.equals("localhost") || h.equals("[::1]") || h.equals("::1") || IPV4_LOOPBACK.matcher(h).matches();
        }
    }
}
