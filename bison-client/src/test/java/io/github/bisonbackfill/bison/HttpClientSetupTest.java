package io.github.bisonbackfill.bison;

import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The HttpClient the client builds: its User-Agent, the JVM's proxy settings, and the customisation hook. */
class HttpClientSetupTest {
    @StartStop
    final MockWebServer server = new MockWebServer();

    private static final Map<String, Object> WORKSPACES = Map.of("data", List.of(Map.of("id", 1, "name", "HQ")));

    @Test
    void everyRequest_namesTheLibraryAndItsVersion() throws Exception {
        server.enqueue(FakeBison.json(200, WORKSPACES));
        try (BisonClient client = BisonClient.builder().baseUrl(server.url("/").toString()).superAdminKey("1|abc").build()) {
            client.listWorkspaces();
        }
        assertThat(BisonClient.USER_AGENT).matches("bison-backfill/\\d+\\.\\d+\\.\\d+\\S* \\(bison-client\\)");
        assertThat(server.takeRequest().getHeaders().get("User-Agent")).isEqualTo(BisonClient.USER_AGENT);
    }

    @Test
    void theJvmsProxySettings_areHonouredByDefault() throws Exception {
        // The mock server plays the proxy: a proxied plain-http request names the absolute URL.
        server.enqueue(FakeBison.json(200, WORKSPACES));
        String host = System.getProperty("http.proxyHost");
        String port = System.getProperty("http.proxyPort");
        System.setProperty("http.proxyHost", server.getHostName());
        System.setProperty("http.proxyPort", Integer.toString(server.getPort()));
        try (BisonClient client = BisonClient.builder().baseUrl("http://bison.proxy-test.example").allowInsecureHttp(true)
                .superAdminKey("1|abc").build()) {
            assertThat(client.listWorkspaces()).containsExactly(new Workspace(1, "HQ"));
        } finally {
            restore("http.proxyHost", host);
            restore("http.proxyPort", port);
        }
        RecordedRequest proxied = server.takeRequest();
        assertThat(proxied.getTarget()).isEqualTo("http://bison.proxy-test.example/api/workspaces/v1.1");
    }

    @Test
    void theCustomizer_seesTheConfiguredBuilder_andCanChangeWhatIsSent() throws Exception {
        server.enqueue(FakeBison.json(200, WORKSPACES));
        try (BisonClient client = BisonClient.builder().baseUrl(server.url("/").toString()).superAdminKey("1|abc")
                .httpClientCustomizer(b -> b.setUserAgent("acme-sync/2.1 " + BisonClient.USER_AGENT)
                        .addRequestInterceptorFirst((request, entity, context) -> request.addHeader("X-Trace", "t-1")))
                .build()) {
            client.listWorkspaces();
        }
        RecordedRequest r = server.takeRequest();
        assertThat(r.getHeaders().get("User-Agent")).isEqualTo("acme-sync/2.1 " + BisonClient.USER_AGENT);
        assertThat(r.getHeaders().get("X-Trace")).isEqualTo("t-1");
    }

    static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }
}
