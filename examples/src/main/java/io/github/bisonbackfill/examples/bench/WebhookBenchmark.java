package io.github.bisonbackfill.examples.bench;

import io.github.bisonbackfill.core.ClientLeadsSchema;
import io.github.bisonbackfill.core.SourceWorkspace;
import io.github.bisonbackfill.core.webhook.WebhookHandler;
import io.github.bisonbackfill.examples.webhook.WebhookServer;
import io.github.bisonbackfill.supabase.SupabaseWriter;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static io.github.bisonbackfill.examples.bench.BenchSupport.env;

/**
 * Webhook deliveries per second through {@link WebhookServer} into the local PostgREST
 * (scripts/local-supabase.sh), with 1 and 50 deliveries in flight. Run it with
 * {@code scripts/bench-webhook.sh [seconds] [threads]}.
 *
 * <p>Each in-flight slot is a client thread that POSTs a {@code lead_interested} delivery (every one
 * a new lead, so every delivery is a real upsert), waits for the answer and sends the next; after a
 * 2 s warm-up the 200 answers over {@code seconds} are counted. Any other answer fails the run. Reads
 * SUPABASE_REST_URL, SUPABASE_SERVICE_ROLE_KEY, PGPORT, PGUSER, PGDATABASE.
 */
public final class WebhookBenchmark {
    private static final String SECRET = "bench-webhook-secret-0123456789";
    private static final String HOST = "send.bench.example";
    private static final int[] IN_FLIGHT = {1, 50};

    private WebhookBenchmark() {
    }

    /**
     * Runs the benchmark and prints a Markdown table.
     *
     * @param args [seconds per measurement (default 15)] [worker threads of the server (default: its default)]
     * @throws Exception when the local Supabase is not running or a delivery fails
     */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Integer threads = args.length > 1 ? Integer.valueOf(args[1]) : null;
        try (Connection c = BenchSupport.jdbc(); Statement s = c.createStatement()) {
            s.execute(ClientLeadsSchema.sql());
            s.execute("notify pgrst, 'reload schema'");
        }
        BenchSupport.truncate(ClientLeadsSchema.TABLE);
        Thread.sleep(1000); // PostgREST reloads its schema cache
        SourceWorkspace ws = new SourceWorkspace("bench", URI.create("https://" + HOST), 37, "Bench Workspace");
        System.out.printf("%n%d s per measurement after a 2 s warm-up; every delivery a new lead%n%n", seconds);
        System.out.println("| in flight | deliveries/s | mean latency ms |");
        System.out.println("|---:|---:|---:|");
        try (SupabaseWriter writer = SupabaseWriter.builder().restUrl(env("SUPABASE_REST_URL"))
                .apiKey(env("SUPABASE_SERVICE_ROLE_KEY")).build()) {
            WebhookHandler handler = WebhookHandler.builder().writer(writer).secret(SECRET).workspace(ws).build();
            WebhookServer.Builder sb = WebhookServer.builder().handler(handler).port(0);
            if (threads != null) {
                sb.threads(threads);
            }
            System.out.println("server worker threads: " + (threads == null ? "default" : threads) + "\n");
            try (WebhookServer server = sb.start()) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                for (int inFlight : IN_FLIGHT) {
                    double[] r = measure(http, server.uri(), inFlight, seconds);
                    System.out.printf("| %d | %.0f | %.1f |%n", inFlight, r[0], r[1]);
                }
            }
        }
    }

    private static double[] measure(HttpClient http, URI uri, int inFlight, int seconds) throws Exception {
        AtomicLong next = new AtomicLong(System.nanoTime());
        AtomicLong counted = new AtomicLong();
        AtomicLong latencyNanos = new AtomicLong();
        long warmEnd = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        long end = warmEnd + Duration.ofSeconds(seconds).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(inFlight);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    long id = next.incrementAndGet();
                    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json").header(WebhookServer.SECRET_HEADER, SECRET)
                            .POST(HttpRequest.BodyPublishers.ofString(delivery(id))).build();
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    long t1 = System.nanoTime();
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("delivery answered " + response.statusCode() + ": " + response.body());
                    }
                    if (t0 >= warmEnd && t1 <= end) {
                        counted.incrementAndGet();
                        latencyNanos.addAndGet(t1 - t0);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        long n = counted.get();
        return new double[] {n / (double) seconds, n == 0 ? 0 : latencyNanos.get() / 1e6 / n};
    }

    private static String delivery(long id) {
        return "{\"event\":{\"type\":\"lead_interested\",\"instance_url\":\"https://" + HOST + "\",\"workspace_id\":37,"
                + "\"workspace_name\":\"Bench Workspace\"},\"data\":{\"reply\":{\"id\":" + id + ",\"email_subject\":\"Re: hi\","
                + "\"date_received\":\"2025-10-14T17:03:21.000000Z\",\"from_email_address\":\"lead" + id + "@bench.example\","
                + "\"campaign_id\":412},\"lead\":{\"id\":" + id + ",\"email\":\"lead" + id + "@bench.example\","
                + "\"first_name\":\"Dana\",\"company\":\"Acme\"}}}";
    }
}
