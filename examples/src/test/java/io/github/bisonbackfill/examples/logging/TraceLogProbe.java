package io.github.bisonbackfill.examples.logging;

import io.github.bisonbackfill.core.ClientLeadsSchema;
import io.github.bisonbackfill.core.SourceWorkspace;
import io.github.bisonbackfill.core.webhook.WebhookHandler;
import io.github.bisonbackfill.examples.demo.Demo;
import io.github.bisonbackfill.examples.webhook.WebhookServer;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import io.github.bisonbackfill.supabase.testing.LocalSupabase;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Run in a JVM of its own by {@link TraceLoggingIT} with every logger at TRACE: a backfill (the demo:
 * Email Bison simulator with super-admin and minted api-user keys, the real PostgREST with the
 * service-role key) and the webhook server (deliveries with the secret in the header, in the query,
 * and a wrong one; a writer whose key PostgREST refuses). Exits 0 when all of it ran.
 */
public final class TraceLogProbe {
    private TraceLogProbe() {
    }

    /**
     * @param args the webhook secret to use
     * @throws Exception on any failure (the test then fails on the exit code)
     */
    public static void main(String[] args) throws Exception {
        String secret = args[0];
        System.out.println("probe loggers: headers trace=" + org.slf4j.LoggerFactory.getLogger("org.apache.hc.client5.http.headers")
                .isTraceEnabled() + ", wire trace=" + org.slf4j.LoggerFactory.getLogger("org.apache.hc.client5.http.wire").isTraceEnabled()
                + ", library trace=" + org.slf4j.LoggerFactory.getLogger("io.github.bisonbackfill").isTraceEnabled());
        LocalSupabase db = LocalSupabase.fromEnvironment();
        String table = db.uniqueName("trace");
        String seedTable = db.uniqueName("trace_seed");
        db.ddl(ClientLeadsSchema.sql(table), table);
        db.ddl(ClientLeadsSchema.sql(seedTable), seedTable);
        Demo.Settings settings = Demo.Settings.defaults().withTables(table, seedTable).withSize(2, 3, 6, 2)
                .withSeedTimeScale(0.02);
        try (SupabaseWriter writer = db.writer().build()) {
            Demo.Result r = Demo.run(settings, writer, System.out);
            if (!r.report().succeeded()) {
                throw new IllegalStateException("the backfill did not succeed");
            }
            SourceWorkspace ws = new SourceWorkspace("trace", URI.create("https://send.trace.example"), 37, "Trace WS");
            WebhookHandler handler = WebhookHandler.builder().writer(writer).secret(secret).workspace(ws).table(table).build();
            HttpClient http = HttpClient.newHttpClient();
            String delivery = "{\"event\":{\"type\":\"lead_interested\",\"instance_url\":\"https://send.trace.example\","
                    + "\"workspace_id\":37},\"data\":{\"reply\":{\"id\":77,\"date_received\":\"2025-10-14T17:03:21Z\"},"
                    + "\"lead\":{\"id\":77,\"email\":\"trace@example.com\"}}}";
            try (WebhookServer server = WebhookServer.builder().handler(handler).port(0).start()) {
                int[] statuses = {
                    send(http, HttpRequest.newBuilder(server.uri()).header(WebhookServer.SECRET_HEADER, secret), delivery),
                    send(http, HttpRequest.newBuilder(URI.create(server.uri() + "?token=" + secret)), delivery),
                    send(http, HttpRequest.newBuilder(URI.create(server.uri() + "?token=wrong-" + secret)), delivery),
                };
                if (statuses[0] != 200 || statuses[1] != 200 || statuses[2] != 401) {
                    throw new IllegalStateException("unexpected statuses " + java.util.Arrays.toString(statuses));
                }
            }
        }
        // A key PostgREST refuses: its error path logs too.
        try (SupabaseWriter refused = SupabaseWriter.builder().restUrl(db.restUrl()).apiKey(db.jwtForRole("no_such_role"))
                .maxAttempts(1).build()) {
            refused.count(table);
        } catch (RuntimeException expected) {
            System.out.println("refused as expected: " + expected.getClass().getSimpleName());
        }
        System.out.println("trace probe done");
    }

    private static int send(HttpClient http, HttpRequest.Builder b, String body) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
