package io.github.bisonbackfill.core.webhook;

import io.github.bisonbackfill.bison.CustomVariable;
import io.github.bisonbackfill.bison.Lead;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.core.SourceWorkspace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Delivery fixtures (modelled on the reference's §5) and the REST twin of their reply. */
final class WebhookFixtures {
    static final String SECRET = "s3cret-for-tests-0123456789abcdef";
    static final String FIXTURE_HOST = "send.agency.example";
    static final String FIXTURE_WORKSPACE_NAME = "Harbor Insurance, LLC";
    static final long WORKSPACE_ID = 37;
    static final long REPLY_ID = 88412;
    static final String REPLY_UUID = "3b1f6c2e-7a0d-4e51-9c1a-2f4e8d7b9a10";
    static final Instant RECEIVED = Instant.parse("2025-10-14T17:03:21Z");
    private static final AtomicInteger NEXT = new AtomicInteger();

    private WebhookFixtures() {
    }

    /** The fixture text, unchanged (it may hold raw control characters). */
    static String load(String name) {
        String resource = "/fixtures/webhooks/" + name;
        try (InputStream in = WebhookFixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A workspace of its own (unique instance host, instance name and workspace name) so that tests
     * sharing {@code client_leads} never see each other's rows, whatever the order.
     */
    static Isolated isolated() {
        int n = NEXT.incrementAndGet();
        String unique = ProcessHandle.current().pid() + "-" + n;
        String host = "send-" + unique + ".agency.example";
        return new Isolated(host, new SourceWorkspace("agency-" + unique, URI.create("https://" + host),
                WORKSPACE_ID, "Harbor Insurance, LLC (" + unique + ")"));
    }

    /** One test's workspace; {@link #delivery} rewrites a fixture to be addressed to it. */
    record Isolated(String host, SourceWorkspace workspace) {
        String delivery(String fixture) {
            return load(fixture).replace(FIXTURE_HOST, host).replace(FIXTURE_WORKSPACE_NAME, workspace.workspaceName());
        }
    }

    /** The reply of {@code lead_interested.json} as {@code GET /api/replies} returns it (what a backfill reads). */
    static Reply restReply(long id, String subject, Instant received) {
        Lead lead = new Lead(730551L, "9d2c41a7-0b6e-4c3f-8e21-5a7f3b9c1d04", " Dana.Ortiz@Acme-Logistics.example",
                "Dana", "Ortiz-Núñez", "Acme Logistics, Inc.", "Ops Director", "verified",
                List.of(new CustomVariable("Mobile Phone", "+1 555-0142"), new CustomVariable("city", "Montréal")));
        return new Reply(id, id == REPLY_ID ? REPLY_UUID : "reply-uuid-" + id, 730551L, lead, "Inbox", true, false,
                "Tracked Reply", subject, received, 412L, 1903L, "Dana Ortiz", "Dana.Ortiz@acme-logistics.example ",
                "sdr@agency.example", received, received);
    }
}
