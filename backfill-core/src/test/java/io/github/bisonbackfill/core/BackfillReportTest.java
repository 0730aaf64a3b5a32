package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.KeyMode;
import io.github.bisonbackfill.supabase.PostgrestError;
import io.github.bisonbackfill.supabase.RejectedRow;
import io.github.bisonbackfill.supabase.UpsertResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackfillReportTest {

    @Test
    void json_roundTrip_preservesEverySection() {
        BackfillReport r = Reports.run();
        String json = r.toJson();
        assertThat(BackfillReport.fromJson(json)).isEqualTo(r);
        assertThat(json).contains("\"startedAt\" : \"2025-11-02T09:30:00Z\"", "\"duration\" : \"PT3.1S\"",
                "\"zone\" : \"America/Los_Angeles\"", "\"month\" : \"2025-10\"", "\"NO_AT_SIGN\" : 1",
                "\"outcome\" : \"COMPLETED_WITH_REJECTS\"", "\"code\" : \"23505\"");
    }

    @Test
    void json_roundTrip_keepsTheScanModeOfCatchUps() {
        BackfillReport r = new BackfillReport("catch-up-1", Reports.START, Reports.START.plusSeconds(2), false,
                List.of(Reports.caughtUp(), Reports.fellBack(), Reports.completed()));
        String json = r.toJson();
        assertThat(BackfillReport.fromJson(json)).isEqualTo(r);
        assertThat(json).contains("\"mode\" : \"CATCH_UP\"", "\"highWaterMark\" : 4180", "\"catchUpThreshold\" : 3180",
                "\"highestReplyId\" : 4203", "\"mode\" : \"CATCH_UP_FELL_BACK\"",
                "\"modeReason\" : \"reply 1014 on page 2 is not below reply 1013 read earlier on page 1\"",
                "\"mode\" : \"FULL\"");
    }

    @Test
    void fromJson_reportWrittenBeforeScanModes_readsAsFullScans() {
        String json = Reports.run().toJson().replace("\"mode\" : \"FULL\",", "");
        assertThat(json).doesNotContain("\"mode\"");
        ScanStats scan = BackfillReport.fromJson(json).clients().get(0).scan();
        assertThat(scan.mode()).isEqualTo(ScanMode.FULL);
        assertThat(scan.highWaterMark()).isNull();
    }

    @Test
    void scanStats_modeThatContradictsTheOtherFields_isRefused() {
        Duration d = Duration.ofMillis(5);
        assertThatThrownBy(() -> new ScanStats(KeyMode.API_USER_KEY, 1, 1, 1, 1, 1, 0, 0, false, d, ScanMode.FULL,
                null, null, 5, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fullScan true");
        assertThatThrownBy(() -> new ScanStats(KeyMode.API_USER_KEY, 1, 1, 1, 1, 1, 0, 0, false, d, ScanMode.CATCH_UP,
                null, null, 5, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need a highWaterMark");
        assertThatThrownBy(() -> new ScanStats(KeyMode.API_USER_KEY, 1, 1, 1, 1, 1, 0, 0, true, d, ScanMode.FULL,
                9L, 0L, 5, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not have");
        assertThatThrownBy(() -> new ScanStats(KeyMode.API_USER_KEY, 1, 1, 1, 1, 1, 0, 0, true, d,
                ScanMode.CATCH_UP_FELL_BACK, 9L, 0L, 5, " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fallback reason");
    }

    @Test
    void json_derivedValuesAreNotWrittenAsFields() {
        String json = Reports.run().toJson();
        assertThat(json).doesNotContain("\"succeeded\"", "\"totalRowsWritten\"", "\"drift\"", "\"matches\"");
    }

    @Test
    void fromJson_garbage_failsClearly() {
        assertThatThrownBy(() -> BackfillReport.fromJson("{\"runId\": [1]}"))
                .isInstanceOf(BackfillException.class).hasMessageContaining("not a backfill report");
    }

    @Test
    void totalsAndCounts() {
        BackfillReport r = Reports.run();
        assertThat(r.duration()).isEqualTo(Duration.ofSeconds(65));
        assertThat(r.count(ClientOutcome.FAILED)).isEqualTo(1);
        assertThat(r.succeeded()).isFalse();
        assertThat(r.totalRowsWritten()).isEqualTo(79);
        assertThat(r.clients().get(0).rejectedTotal()).isEqualTo(3);
        assertThat(r.clients().get(0).reconciliation().difference()).isEqualTo(-1);
        assertThat(r.clients().get(0).scan().drift()).isEqualTo(3);
    }

    @Test
    void clientReport_failedWithoutError_isRefused() {
        assertThatThrownBy(() -> new ClientReport(Reports.HARBOR, null, ClientOutcome.FAILED, null, null, null, null,
                null, Duration.ZERO, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("error");
    }

    @Test
    void clientReportFactories_setTheOutcome_andOnlyTheSectionsOfStepsThatRan() {
        assertThat(Reports.completed().outcome()).isEqualTo(ClientOutcome.COMPLETED_WITH_REJECTS);
        assertThat(Reports.caughtUp().outcome()).isEqualTo(ClientOutcome.COMPLETED);
        ClientReport dry = ClientReport.dryRun(Reports.HARBOR, "Harbor Insurance", Reports.caughtUp().scan(),
                Reports.caughtUp().dedup(), null, Duration.ofMillis(5));
        assertThat(dry.outcome()).isEqualTo(ClientOutcome.DRY_RUN);
        assertThat(dry.write()).isNull();
        assertThat(dry.rowsWritten()).isZero();
        ClientReport failed = Reports.failed();
        assertThat(failed.outcome()).isEqualTo(ClientOutcome.FAILED);
        assertThat(failed.failedAttempts()).containsExactly(failed.error());
        assertThatThrownBy(() -> ClientReport.failed(Reports.HARBOR, null, null, null, null, Duration.ZERO, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("error");
        for (ClientReport r : List.of(ClientReport.skipped(Reports.HARBOR), ClientReport.notRun(Reports.HARBOR))) {
            assertThat(r.duration()).isZero();
            assertThat(r.error()).isNull();
            assertThat(r.scan()).isNull();
            assertThat(r.workspaceName()).isNull();
        }
        assertThat(ClientReport.skipped(Reports.HARBOR).outcome()).isEqualTo(ClientOutcome.SKIPPED_ALREADY_DONE);
        assertThat(ClientReport.notRun(Reports.HARBOR).outcome()).isEqualTo(ClientOutcome.NOT_RUN);
    }

    @Test
    void writeStats_ofTwoChunks_addUp_andKeepTheRejectsInOrder() {
        PostgrestError err = new PostgrestError(400, "23502", "null value", null, null);
        WriteStats first = new WriteStats(10, 9, 1, 1, 0, List.of(new WriteReject("a@x.io", 1L, err)));
        WriteStats second = new WriteStats(5, 4, 1, 0, 0, List.of(new WriteReject("b@x.io", 2L, err)));
        WriteStats both = first.plus(second);
        assertThat(both).isEqualTo(new WriteStats(15, 13, 2, 1, 0, List.of(first.rejects().get(0),
                second.rejects().get(0))));
        assertThat(both.complete()).isTrue();
    }

    @Test
    void writeStats_fromUpsertResult_keepsCountsAndRejects() {
        PostgrestError err = new PostgrestError(400, "23502", "null value", null, null);
        UpsertResult u = new UpsertResult(10, 8, 2, 1, 1,
                List.of(new RejectedRow(Map.of("lead_email", "a@x.io", "bison_reply_id", 42), err)));
        WriteStats w = WriteStats.from(u);
        assertThat(w.rowsWritten()).isEqualTo(8);
        assertThat(w.complete()).isTrue();
        assertThat(w.rejects()).containsExactly(new WriteReject("a@x.io", 42L, err));
        assertThat(WriteReject.from(new RejectedRow(Map.of("bison_reply_id", "77"), err)).bisonReplyId()).isEqualTo(77L);
    }

    @Test
    void dedupStats_fromResult() {
        LeadDedupResult d = LeadDedup.apply(List.of(Replies.withEmails(1, "a@x.io", null),
                Replies.withEmails(2, "A@x.io", null), Replies.withEmails(3, null, null)));
        DedupStats s = DedupStats.from(d);
        assertThat(s.uniqueLeads()).isEqualTo(1);
        assertThat(s.duplicatesDropped()).isEqualTo(1);
        assertThat(s.rejected()).isEqualTo(1);
        assertThat(s.rejectedByReason()).containsExactly(Map.entry(RejectReason.MISSING, 1));
    }

    @Test
    void errorInfo_redactsCredentials_andKeepsTheRootCause() {
        Exception e = new IllegalStateException("call with Authorization: Bearer 12|abcdefghijklmnopqrstuvwxyz failed, "
                + "apikey=eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJl key sb_secret_AbC123 token=xyz",
                new java.net.ConnectException("Connection refused"));
        ErrorInfo info = ErrorInfo.from(e);
        assertThat(info.type()).isEqualTo("java.lang.IllegalStateException");
        assertThat(info.message()).doesNotContain("abcdefghijklmnop", "eyJ", "AbC123", "xyz")
                .contains("Authorization: <redacted>", "caused by java.net.ConnectException: Connection refused");
        assertThat(ErrorInfo.from(new RuntimeException("x".repeat(5000))).message()).hasSize(ErrorInfo.MAX_MESSAGE + 3);
    }
}
