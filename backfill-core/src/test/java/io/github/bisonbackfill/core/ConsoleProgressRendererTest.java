package io.github.bisonbackfill.core;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleProgressRendererTest {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final ConsoleProgressRenderer renderer = ConsoleProgressRenderer.builder()
            .out(new PrintStream(bytes, true, StandardCharsets.UTF_8)).pageInterval(Duration.ofSeconds(2)).build();
    final Instant t0 = Reports.START;

    private List<String> lines() {
        return List.of(bytes.toString(StandardCharsets.UTF_8).split("\n"));
    }

    @Test
    void rendersOneLinePerClientEvent_andThrottlesPages() {
        ClientKey c = Reports.HARBOR;
        renderer.runStarted(new ProgressEvent.RunStarted("run-1", 12, true, false, t0));
        renderer.clientStarted(new ProgressEvent.ClientStarted(c, 3, 12, t0));
        for (int page = 1; page <= 10; page++) {
            // a page every 500 ms: page 1 always, then one every 2 s, and the last page always
            renderer.pageRead(new ProgressEvent.PageRead(c, page, 10, page * 15, t0.plusMillis(500L * (page - 1))));
        }
        renderer.batchWritten(new ProgressEvent.BatchWritten(c, 1, 80, 80, 80, t0.plusSeconds(6)));
        renderer.clientWarning(new ProgressEvent.ClientWarning(c, "meta.total changed 97 -> 100 during the scan", t0));
        renderer.clientFinished(new ProgressEvent.ClientFinished(Reports.completed(), 3, 12, t0.plusSeconds(7)));
        assertThat(lines()).containsExactly(
                "run run-1: 12 clients (dry run)",
                "[ 3/12] agency-main/37 (Harbor Insurance): started",
                "        agency-main/37 (Harbor Insurance): page 1/10, 15 interested",
                "        agency-main/37 (Harbor Insurance): page 5/10, 75 interested",
                "        agency-main/37 (Harbor Insurance): page 9/10, 135 interested",
                "        agency-main/37 (Harbor Insurance): page 10/10, 150 interested",
                "        agency-main/37 (Harbor Insurance): written 80/80 rows (batch 1)",
                "        agency-main/37 (Harbor Insurance): warning: meta.total changed 97 -> 100 during the scan",
                "[ 3/12] agency-main/37 (Harbor Insurance): COMPLETED_WITH_REJECTS in 3.1 s: 90 interested, 80 leads, "
                        + "79 written, 2 retries, 3 rejected {BLANK=1, NO_AT_SIGN=1}, scan drift +3, "
                        + "context violations 1 detected/1 recovered, reconciliation: 79 rows vs 80 Email Bison leads");
    }

    @Test
    void catchUps_sayHowTheWorkspaceWasRead() {
        renderer.clientFinished(new ProgressEvent.ClientFinished(Reports.caughtUp(), 1, 2, t0));
        renderer.clientFinished(new ProgressEvent.ClientFinished(Reports.fellBack(), 2, 2, t0));
        assertThat(lines()).containsExactly(
                "[1/2] agency-main/37 (Harbor Insurance): COMPLETED in 0.6 s: 30 interested, 3 leads, 3 written, "
                        + "0 rejected, catch-up from reply 4180 (2 pages)",
                "[2/2] agency-2/12 (O'Brien & Sons, LLC): COMPLETED in 1.5 s: 210 interested, 150 leads, 150 written, "
                        + "0 rejected, catch-up fell back to a full scan: reply 1014 on page 2 is not below reply 1013 "
                        + "read earlier on page 1");
    }

    @Test
    void failedClient_andRunSummary() {
        renderer.clientFinished(new ProgressEvent.ClientFinished(Reports.failed(), 2, 3, t0));
        renderer.runFinished(new ProgressEvent.RunFinished(Reports.run(), t0));
        assertThat(lines()).containsExactly(
                "[2/3] agency-2/12 (O'Brien & Sons, LLC): FAILED in 1.2 s: io.github.bisonbackfill.bison.BisonAuthException: "
                        + "401 from /api/replies: check the key",
                "run run-1 finished in 1 min 5 s: 1 completed with rejects, 1 failed, 1 skipped already done; 79 rows written");
    }

    @Test
    void warnings_neverPrintCredentials() {
        renderer.clientWarning(new ProgressEvent.ClientWarning(Reports.HARBOR, "retrying with Bearer 7|supersecretvalue123", t0));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("supersecretvalue123").contains("<redacted>");
    }

    @Test
    void composite_forwardsToAll_evenWhenOneThrows() {
        List<String> seen = new ArrayList<>();
        ProgressListener boom = new ProgressListener() {
            @Override
            public void clientStarted(ProgressEvent.ClientStarted e) {
                throw new IllegalStateException("boom");
            }
        };
        ProgressListener recorder = new ProgressListener() {
            @Override
            public void clientStarted(ProgressEvent.ClientStarted e) {
                seen.add("started " + e.client().workspaceId());
            }
        };
        ProgressListener both = ProgressListener.composite(List.of(boom, recorder));
        both.clientStarted(new ProgressEvent.ClientStarted(Reports.HARBOR, 1, 1, t0));
        both.on(new ProgressEvent.ClientStarted(Reports.OBRIEN, 2, 2, t0));
        ProgressListener.NOOP.on(new ProgressEvent.ClientStarted(Reports.OBRIEN, 2, 2, t0));
        assertThat(seen).containsExactly("started 37", "started 12");
    }
}
