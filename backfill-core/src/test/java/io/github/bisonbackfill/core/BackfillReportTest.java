package io.github.bisonbackfill.core;

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
