package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.KeyMode;
import io.github.bisonbackfill.supabase.PostgrestError;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/** Sample reports for tests. */
final class Reports {
    static final ClientKey HARBOR = new ClientKey("agency-main", 37, "Harbor Insurance");
    static final ClientKey OBRIEN = new ClientKey("agency-2", 12, "O'Brien & Sons, LLC");
    static final Instant START = Instant.parse("2025-11-02T09:30:00Z");

    private Reports() {
    }

    static ClientReport completed() {
        ScanStats scan = new ScanStats(KeyMode.SUPER_ADMIN_SWITCHING, 7, 97, 90, 97, 100, 1, 1, true,
                Duration.ofMillis(2500));
        DedupStats dedup = new DedupStats(80, 8, Map.of(RejectReason.NO_AT_SIGN, 1, RejectReason.BLANK, 1),
                List.of(new RejectedReply(5, "u5", RejectReason.NO_AT_SIGN, "reply 5: no usable email"),
                        new RejectedReply(6, null, RejectReason.BLANK, "reply 6: no usable email")));
        WriteStats write = new WriteStats(80, 79, 1, 2, 0, List.of(new WriteReject("x@y.io", 77L,
                new PostgrestError(409, "23505", "duplicate key", "Key (bison_instance, bison_reply_id)", null))));
        BillingWindow w = BillingWindow.month(YearMonth.of(2025, 10), ZoneId.of("America/Los_Angeles"));
        return new ClientReport(HARBOR, "Harbor Insurance", ClientOutcome.COMPLETED_WITH_REJECTS, scan, dedup, write,
                new Reconciliation(80, 79, 90L), new BillingCounts(w, 12, 10, 10L, 12L), Duration.ofMillis(3100), null);
    }

    static ClientReport failed() {
        return new ClientReport(OBRIEN, null, ClientOutcome.FAILED, null, null, null, null, null, Duration.ofMillis(1200),
                new ErrorInfo("io.github.bisonbackfill.bison.BisonAuthException", "401 from /api/replies: check the key"));
    }

    static BackfillReport run() {
        return new BackfillReport("run-1", START, START.plusSeconds(65), false, List.of(completed(), failed(),
                new ClientReport(new ClientKey("agency-main", 40, "Done Co"), null, ClientOutcome.SKIPPED_ALREADY_DONE,
                        null, null, null, null, null, Duration.ZERO, null)));
    }
}
