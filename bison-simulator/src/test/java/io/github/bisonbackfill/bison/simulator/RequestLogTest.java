package io.github.bisonbackfill.bison.simulator;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static io.github.bisonbackfill.bison.simulator.Http.get;
import static io.github.bisonbackfill.bison.simulator.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

class RequestLogTest {

    @Test
    void log_recordsMethodPathQueryKeyIdWorkspaceAndStatus_neverTheSecret() throws Exception {
        try (BisonSimulator sim = BisonSimulator.builder()
                .instance("a", i -> i.generatedWorkspaces(2, 5, 5))
                .instance("b", i -> i.generatedWorkspaces(2, 5, 5))
                .start()) {
            SimulatedInstance a = sim.instance("a");
            String key = a.superAdminKey();
            get(a.baseUrl(), "/api/replies?status=interested&page=2", key);
            post(a.baseUrl(), "/api/workspaces/v1.1/switch-workspace", key, "{\"team_id\":2}");
            get(a.baseUrl(), "/api/replies?status=interested", key);
            get(a.baseUrl(), "/api/users", "1|nope");
            get(sim.baseUrl("b"), "/api/users", sim.instance("b").superAdminKey());

            List<RecordedRequest> log = a.requestLog();
            assertThat(log).hasSize(4);
            RecordedRequest first = log.get(0);
            assertThat(first.instance()).isEqualTo("a");
            assertThat(first.method()).isEqualTo("GET");
            assertThat(first.path()).isEqualTo("/api/replies");
            assertThat(first.query()).isEqualTo("page=2&status=interested");
            assertThat(first.endpoint()).isEqualTo(Endpoint.REPLIES);
            assertThat(first.keyId()).isEqualTo(a.keyId(key));
            assertThat(first.superAdmin()).isTrue();
            assertThat(first.workspaceId()).isEqualTo(1);
            assertThat(first.status()).isEqualTo(200);
            assertThat(log.get(1).endpoint()).isEqualTo(Endpoint.SWITCH_WORKSPACE);
            assertThat(log.get(2).workspaceId()).isEqualTo(2);
            assertThat(log.get(3).status()).isEqualTo(401);
            assertThat(log.get(3).keyId()).isNull();
            String secret = key.substring(key.indexOf('|') + 1);
            assertThat(sim.requestLog().toString()).doesNotContain(secret);
            assertThat(sim.requestLog()).hasSize(5);
            assertThat(a.counters().switchRequests()).isEqualTo(1);
            sim.clearRequestLog();
            assertThat(sim.requestLog()).isEmpty();
        }
    }

    @Test
    void laravelWithoutAcceptJson_redirects401ToLogin_andServesHtmlErrors() throws Exception {
        try (BisonSimulator sim = BisonSimulator.builder().start()) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(sim.instance().baseUrl() + "/api/users"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().firstValue("Location")).hasValue(sim.instance().baseUrl() + "/login");
            HttpResponse<String> notFound = client.send(HttpRequest.newBuilder(
                    URI.create(sim.instance().baseUrl() + "/api/nothing")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(notFound.statusCode()).isEqualTo(404);
            assertThat(notFound.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        }
    }
}
