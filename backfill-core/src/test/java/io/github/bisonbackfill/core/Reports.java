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
                Duration.ofMillis(2500), ScanMode.FULL, null, null, 4180, null);
        DedupStats dedup = new DedupStats(80, 8, Map.of(RejectReason.NO_AT_SIGN, 1, RejectReason.BLANK, 1),
                List.of(new RejectedReply(5, "u5", RejectReason.NO_AT_SIGN, "reply 5: no usable email"),
                        new RejectedReply(6, null, RejectReason.BLANK, "reply 6: no usable email")));
        WriteStats write = new WriteStats(80, 79, 1, 2, 0, List.of(new WriteReject("x@y.io", 77L,
                new PostgrestError(409, "23505", "duplicate key", "Key (bison_instance, bison_reply_id)", null))));
        BillingWindow w = BillingWindow.month(YearMonth.of(2025, 10), ZoneId.of("America/Los_Angeles"));
        return ClientReport.completed(HARBOR, "Harbor Insurance", scan, dedup, write,
                new Reconciliation(80, 79, 90L), new BillingCounts(w, 12, 10, 10L, 12L), Duration.ofMillis(3100));
    }

    /** A catch-up that stopped after 2 pages: 3 new leads, no reconciliation (needs a full scan). */
    static ClientReport caughtUp() {
        ScanStats scan = new ScanStats(KeyMode.API_USER_KEY, 2, 30, 30, 210, 210, 0, 0, false,
                Duration.ofMillis(400), ScanMode.CATCH_UP, 4180L, 3180L, 4203, null);
        return ClientReport.completed(HARBOR, "Harbor Insurance", scan,
                new DedupStats(3, 27, Map.of(), List.of()), new WriteStats(3, 3, 1, 0, 0, List.of()), null, null,
                Duration.ofMillis(600));
    }

    /** A catch-up that found the order broken and read every page. */
    static ClientReport fellBack() {
        ScanStats scan = new ScanStats(KeyMode.API_USER_KEY, 9, 210, 210, 210, 210, 0, 0, true,
                Duration.ofMillis(900), ScanMode.CATCH_UP_FELL_BACK, 2050L, 1050L, 2071,
                "reply 1014 on page 2 is not below reply 1013 read earlier on page 1");
        return ClientReport.completed(OBRIEN, "O'Brien & Sons, LLC", scan,
                new DedupStats(150, 60, Map.of(), List.of()), new WriteStats(150, 150, 6, 0, 0, List.of()),
                new Reconciliation(150, 150, null), null, Duration.ofMillis(1500));
    }

    static ClientReport failed() {
        return ClientReport.failed(OBRIEN, null, null, null, null, Duration.ofMillis(1200),
                new ErrorInfo("io.github.bisonbackfill.bison.BisonAuthException", "401 from /api/replies: check the key"));
    }

    static BackfillReport run() {
        return new BackfillReport("run-1", START, START.plusSeconds(65), false, List.of(completed(), failed(),
                ClientReport.skipped(new ClientKey("agency-main", 40, "Done Co"))));
    }
}
