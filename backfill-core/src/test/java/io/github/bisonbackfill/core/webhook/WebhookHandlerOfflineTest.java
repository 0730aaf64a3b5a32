package io.github.bisonbackfill.core.webhook;

import io.github.bisonbackfill.core.SourceWorkspace;
import io.github.bisonbackfill.core.webhook.WebhookFixtures.Isolated;
import io.github.bisonbackfill.core.webhook.WebhookOutcome.RejectCause;
import io.github.bisonbackfill.core.webhook.WebhookOutcome.Status;
import io.github.bisonbackfill.supabase.SupabaseWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import static io.github.bisonbackfill.core.webhook.WebhookFixtures.SECRET;
import static io.github.bisonbackfill.core.webhook.WebhookFixtures.isolated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Handler behaviour that needs no database: a writer pointed at a closed port stands for Supabase being down. */
class WebhookHandlerOfflineTest {
    final SupabaseWriter downWriter = SupabaseWriter.builder()
            .restUrl("http://127.0.0.1:" + closedPort()).apiKey("service-role-key-that-must-not-leak")
            .maxAttempts(2).retryBaseDelay(Duration.ofMillis(1)).connectTimeout(Duration.ofSeconds(2))
            .build();

    @AfterEach
    void close() {
        downWriter.close();
    }

    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    WebhookHandler handler(SourceWorkspace... workspaces) {
        return WebhookHandler.builder().writer(downWriter).secret(SECRET).workspaces(List.of(workspaces)).build();
    }

    @Test
    void supabaseDown_isUnavailable_withTheReason_noSecretOrKeyInIt() {
        Isolated iso = isolated();
        WebhookOutcome o = handler(iso.workspace()).handle(iso.delivery("lead_interested.json"), SECRET);
        assertThat(o.status()).isEqualTo(Status.UNAVAILABLE);
        assertThat(o.status().httpStatus()).isEqualTo(503);
        assertThat(o.cause()).isNull();
        assertThat(o.reason()).startsWith("writing to client_leads failed: ")
                .doesNotContain(SECRET).doesNotContain("service-role-key-that-must-not-leak");
        assertThat(o.replyId()).isEqualTo(WebhookFixtures.REPLY_ID);
        assertThat(o.workspaceName()).isEqualTo(iso.workspace().workspaceName());
    }

    @Test
    void rejectionsAndIgnores_neverTouchTheWriter_evenWhenItIsDown() {
        Isolated iso = isolated();
        WebhookHandler h = handler(iso.workspace());
        assertThat(h.handle(iso.delivery("email_sent.json"), SECRET).status()).isEqualTo(Status.IGNORED);
        assertThat(h.handle("{", SECRET).cause()).isEqualTo(RejectCause.MALFORMED);
        assertThat(h.handle((byte[]) null, SECRET).cause()).isEqualTo(RejectCause.MALFORMED);
        assertThat(h.handle(iso.delivery("lead_interested.json"), "nope").status()).isEqualTo(Status.UNAUTHORIZED);
    }

    @Test
    void instanceUrl_matchesByHostAndPort_ignoringCaseSchemePathAndSlash() {
        SourceWorkspace w = new SourceWorkspace("main", URI.create("https://Send.Agency.example/api"), 37, "Harbor");
        SourceWorkspace w2 = new SourceWorkspace("other", URI.create("https://send.agency.example:8443"), 37, "Other");
        WebhookHandler h = handler(w, w2);
        String body = WebhookFixtures.load("lead_interested.json").replace("Harbor Insurance, LLC", "Harbor");
        for (String url : List.of("https://send.agency.example", "https://SEND.agency.example/", "http://send.agency.example", "https://send.agency.example:443",
                "send.agency.example", "https://send.agency.example/some/path?x=1")) {
            WebhookOutcome o = h.handle(body.replace("\"https://send.agency.example\"", "\"" + url + "\""), SECRET);
            assertThat(o.status()).as(url).isEqualTo(Status.UNAVAILABLE); // found the workspace, then the writer is down
            assertThat(o.workspaceName()).as(url).isEqualTo("Harbor");
        }
        WebhookOutcome onPort = h.handle(body.replace("\"https://send.agency.example\"", "\"https://send.agency.example:8443\""), SECRET);
        assertThat(onPort.workspaceName()).isEqualTo("Other");
        WebhookOutcome garbage = h.handle(body.replace("\"https://send.agency.example\"", "\"https://\""), SECRET);
        assertThat(garbage.cause()).isEqualTo(RejectCause.UNKNOWN_WORKSPACE);
        assertThat(garbage.reason()).contains("event.instance_url is not a URL");
    }

    @Test
    void missingInstanceUrl_isResolvedOnlyWhenOneInstanceIsConfigured() {
        String body = WebhookFixtures.load("lead_interested.json").replace("\"instance_url\": \"https://send.agency.example\",", "");
        SourceWorkspace w = new SourceWorkspace("main", URI.create("https://send.agency.example"), 37, "Harbor Insurance, LLC");
        SourceWorkspace w38 = new SourceWorkspace("main", URI.create("https://send.agency.example"), 38, "Beacon");
        SourceWorkspace other = new SourceWorkspace("second", URI.create("https://mail.second.example"), 37, "Dunmore");

        assertThat(handler(w, w38).handle(body, SECRET).status()).isEqualTo(Status.UNAVAILABLE);
        WebhookOutcome ambiguous = handler(w, other).handle(body, SECRET);
        assertThat(ambiguous.cause()).isEqualTo(RejectCause.UNKNOWN_WORKSPACE);
        assertThat(ambiguous.reason()).contains("no event.instance_url and 2 instances are configured");
    }

    @Test
    void builder_failsFastOnMissingOrWeakSettings() {
        SourceWorkspace w = new SourceWorkspace("main", URI.create("https://send.agency.example"), 37, "Harbor");
        assertThatThrownBy(() -> WebhookHandler.builder().secret(SECRET).workspace(w).build())
                .isInstanceOf(IllegalStateException.class).hasMessage("writer is required");
        assertThatThrownBy(() -> WebhookHandler.builder().writer(downWriter).workspace(w).build())
                .isInstanceOf(IllegalStateException.class).hasMessage("secret is required");
        assertThatThrownBy(() -> WebhookHandler.builder().writer(downWriter).secret(SECRET).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one workspace");
        assertThatThrownBy(() -> WebhookHandler.builder().secret("short-secret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16 characters (got 12)")
                .hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> WebhookHandler.builder().writer(downWriter).secret(SECRET).workspace(w)
                .workspace(new SourceWorkspace("main", URI.create("https://SEND.agency.example/"), 37, "Harbor 2")).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("configured twice");
        assertThatThrownBy(() -> WebhookHandler.builder().table(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toString_redactsTheSecret() {
        SourceWorkspace w = new SourceWorkspace("main", URI.create("https://send.agency.example"), 37, "Harbor");
        assertThat(handler(w).toString()).doesNotContain(SECRET).contains("<redacted>").contains("client_leads");
    }

    @Test
    void outcome_causeExactlyForRejected() {
        assertThatThrownBy(() -> new WebhookOutcome(Status.ACCEPTED, RejectCause.MALFORMED, "x", null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookOutcome(Status.REJECTED, null, "x", null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Status.ACCEPTED.httpStatus()).isEqualTo(200);
        assertThat(Status.IGNORED.httpStatus()).isEqualTo(200);
        assertThat(Status.REJECTED.httpStatus()).isEqualTo(400);
        assertThat(Status.UNAUTHORIZED.httpStatus()).isEqualTo(401);
    }
}
