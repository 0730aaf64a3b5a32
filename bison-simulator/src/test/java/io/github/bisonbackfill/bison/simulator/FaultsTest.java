package io.github.bisonbackfill.bison.simulator;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import static io.github.bisonbackfill.bison.simulator.Http.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultsTest {

    BisonSimulator sim;
    SimulatedInstance main;
    String key;

    @BeforeEach
    void start() {
        sim = BisonSimulator.builder().instance("main", i -> i.workspace(37, "Harbor Insurance", 40, 10)
                .workspace(12, "Café Ñandú", 5, 5)).start();
        main = sim.instance("main");
        key = main.superAdminKey();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private Http.Result page(int page) throws Exception {
        return get(main.baseUrl(), "/api/replies?status=interested&folder=all&page=" + page, key);
    }

    @Test
    void failNext_hitsExactlyTheMatchingRequests_nTimes() throws Exception {
        sim.faults().failNext(RequestMatcher.repliesPage(2), 2, Fault.status(503));
        assertThat(page(1).status()).isEqualTo(200);
        Http.Result failed = page(2);
        assertThat(failed.status()).isEqualTo(503);
        assertThat(failed.json().get("message").asText()).isEqualTo("Service Unavailable");
        assertThat(page(3).status()).isEqualTo(200);
        assertThat(page(2).status()).isEqualTo(503);
        assertThat(page(2).status()).isEqualTo(200);
        assertThat(sim.faults().activeRules()).isZero();
        assertThat(main.counters().faultsInjected()).isEqualTo(2);
    }

    @Test
    void statusFaults_haveLaravelOrNginxBodies() throws Exception {
        sim.faults().failNext(RequestMatcher.endpoint(Endpoint.REPLIES), 1, Fault.status(500))
                .failNext(RequestMatcher.endpoint(Endpoint.REPLIES), 1, Fault.status(502))
                .failNext(RequestMatcher.endpoint(Endpoint.REPLIES), 1, Fault.status(504));
        Http.Result r500 = page(1);
        assertThat(r500.status()).isEqualTo(500);
        assertThat(r500.json().get("message").asText()).isEqualTo("Server Error");
        Http.Result r502 = page(1);
        assertThat(r502.status()).isEqualTo(502);
        assertThat(r502.header("Content-Type")).startsWith("text/html");
        assertThat(r502.text()).contains("502 Bad Gateway");
        assertThat(page(1).status()).isEqualTo(504);
    }

    @Test
    void faults_canTargetAWorkspace() throws Exception {
        sim.faults().failAlways(RequestMatcher.endpoint(Endpoint.REPLIES).onWorkspace(12), Fault.status(500));
        assertThat(page(1).status()).isEqualTo(200);
        main.switchUserTo(12);
        assertThat(page(1).status()).isEqualTo(500);
        assertThat(page(1).status()).isEqualTo(500);
        sim.faults().clear();
        assertThat(page(1).status()).isEqualTo(200);
    }

    @Test
    void dropConnection_closesWithoutResponse() {
        sim.faults().failNext(RequestMatcher.endpoint(Endpoint.REPLIES), 5, Fault.dropConnection());
        assertThatThrownBy(() -> page(1)).isInstanceOf(IOException.class);
        assertThat(main.requestLog(r -> r.endpoint() == Endpoint.REPLIES)).isNotEmpty()
                .allMatch(r -> r.status() == 0 && "dropped connection".equals(r.fault()));
    }

    @Test
    void slowResponse_outlastsAClientTimeout() {
        sim.faults().failNext(RequestMatcher.endpoint(Endpoint.REPLIES), 1, Fault.slowResponse(Duration.ofSeconds(20)));
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(main.baseUrl() + "/api/replies"))
                .timeout(Duration.ofMillis(200))
                .header("Accept", "application/json").header("Authorization", "Bearer " + key).build();
        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void truncatedJson_is200WithACutBody() throws Exception {
        sim.faults().failNext(RequestMatcher.repliesPage(1), 1, Fault.truncatedJson());
        Http.Result r = page(1);
        assertThat(r.status()).isEqualTo(200);
        assertThatThrownBy(() -> Http.MAPPER.readTree(r.body())).isInstanceOf(IOException.class);
        assertThat(r.text()).startsWith("{\"data\":[");
    }

    @Test
    void controlCharacters_areRawBytesInsideStrings_strictParsersReject() throws Exception {
        sim.faults().failNext(RequestMatcher.repliesPage(1), 1, Fault.controlCharacters());
        Http.Result r = page(1);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains((byte) 0x01, (byte) 0x07, (byte) 0x1f);
        assertThatThrownBy(() -> Http.MAPPER.readTree(r.body())).isInstanceOf(JsonParseException.class)
                .hasMessageContaining("CTRL-CHAR");
        JsonMapper lenient = JsonMapper.builder().enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS).build();
        JsonNode parsed = lenient.readTree(r.body());
        assertThat(parsed.get("data")).hasSize(15);
        assertThat(parsed.get("data").get(0).get("text_body").asText()).startsWith("\u0001\u0007\u001f\n");
        // the next page is clean again
        assertThat(Http.MAPPER.readTree(page(2).body()).get("data")).hasSize(15);
    }

    @Test
    void controlCharacters_onAnEndpointWithoutBodies_stillBreakStrictParsing() throws Exception {
        sim.faults().failNext(RequestMatcher.endpoint(Endpoint.USERS), 1, Fault.controlCharacters());
        Http.Result r = get(main.baseUrl(), "/api/users", key);
        assertThat(r.body()).contains((byte) 0x01);
        assertThatThrownBy(() -> Http.MAPPER.readTree(r.body())).isInstanceOf(JsonParseException.class);
    }

    @Test
    void htmlErrorPage_isServedAsHtml() throws Exception {
        sim.faults().failNext(RequestMatcher.any(), 1, Fault.htmlErrorPage(200));
        Http.Result r = get(main.baseUrl(), "/api/users", key);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/html");
        assertThat(r.text()).startsWith("<!DOCTYPE html>");
    }

    @Test
    void failRandomly_hitsSomeButNotAll() throws Exception {
        sim.faults().failRandomly(RequestMatcher.endpoint(Endpoint.USERS), 0.5, Fault.status(503));
        int failed = 0;
        for (int i = 0; i < 40; i++) {
            if (get(main.baseUrl(), "/api/users", key).status() == 503) {
                failed++;
            }
        }
        assertThat(failed).isBetween(1, 39);
    }

    @Test
    void faultArguments_areValidated() {
        assertThatThrownBy(() -> Fault.status(200)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.faults().failNext(RequestMatcher.any(), 0, Fault.status(500)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.faults().failRandomly(RequestMatcher.any(), 1.5, Fault.status(500)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
