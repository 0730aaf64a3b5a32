package io.github.bisonbackfill.supabase;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The HttpClient the writer builds: its User-Agent, the JVM's proxy settings, and the customisation hook. */
class HttpClientSetupTest {
    @StartStop
    final MockWebServer server = new MockWebServer();

    private static MockResponse counted(long n) {
        return new MockResponse.Builder().code(200).addHeader("Content-Range", "*/" + n).build();
    }

    @Test
    void everyRequest_namesTheLibraryAndItsVersion() throws Exception {
        server.enqueue(counted(3));
        try (SupabaseWriter w = SupabaseWriter.builder().restUrl(server.url("/").toString()).apiKey("k").build()) {
            assertThat(w.count("t")).isEqualTo(3);
        }
        assertThat(SupabaseWriter.USER_AGENT).matches("bison-backfill/\\d+\\.\\d+\\.\\d+\\S* \\(supabase-writer\\)");
        assertThat(server.takeRequest().getHeaders().get("User-Agent")).isEqualTo(SupabaseWriter.USER_AGENT);
    }

    @Test
    void theJvmsProxySettings_areHonouredByDefault() throws Exception {
        server.enqueue(counted(5));
        String host = System.getProperty("http.proxyHost");
        String port = System.getProperty("http.proxyPort");
        System.setProperty("http.proxyHost", server.getHostName());
        System.setProperty("http.proxyPort", Integer.toString(server.getPort()));
        try (SupabaseWriter w = SupabaseWriter.builder().restUrl("http://supabase.proxy-test.example").apiKey("k")
                .allowInsecureHttp(true).build()) {
            assertThat(w.count("t")).isEqualTo(5);
        } finally {
            restore("http.proxyHost", host);
            restore("http.proxyPort", port);
        }
        RecordedRequest proxied = server.takeRequest();
        assertThat(proxied.getTarget()).startsWith("http://supabase.proxy-test.example/t");
    }

    @Test
    void theCustomizer_canChangeWhatIsSent() throws Exception {
        server.enqueue(counted(1));
        try (SupabaseWriter w = SupabaseWriter.builder().restUrl(server.url("/").toString()).apiKey("k")
                .httpClientCustomizer(b -> b.setUserAgent("acme-sync/2.1")
                        .addRequestInterceptorFirst((request, entity, context) -> request.addHeader("X-Trace", "t-1")))
                .build()) {
            w.count("t");
        }
        RecordedRequest r = server.takeRequest();
        assertThat(r.getHeaders().get("User-Agent")).isEqualTo("acme-sync/2.1");
        assertThat(r.getHeaders().get("X-Trace")).isEqualTo("t-1");
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }
}
