package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.ScanOptions;
import io.github.bisonbackfill.bison.ScanResult;
import io.github.bisonbackfill.core.internal.ClientRounds;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The orchestrator's checks, which write nothing: reconciliation (distinct interested emails in
 * Email Bison vs rows in the sink) and billing counts per window, each from a fresh full scan.
 */
final class LeadAudit {
    private final Workspaces workspaces;
    private final LeadSink sink;
    private final ClientRounds rounds;
    private final Clock clock;
    private final boolean bisonStats;

    LeadAudit(Workspaces workspaces, LeadSink sink, ClientRounds rounds, Clock clock, boolean bisonStats) {
        this.workspaces = workspaces;
        this.sink = sink;
        this.rounds = rounds;
        this.clock = clock;
        this.bisonStats = bisonStats;
    }

    /** See {@link BackfillOrchestrator#reconcile}; the plan is validated already. */
    ReconciliationReport reconcile(BackfillPlan plan) {
        Instant checkedAt = clock.instant();
        List<ClientReconciliation> out = rounds.run("reconciliation", plan.clients(), (spec, index, lane) -> {
            try {
                ScanResult scan = workspaces.scan(spec, lane, ScanOptions.builder(), false);
                LeadDedupResult dedup = LeadDedup.apply(scan.replies());
                long rows = sink.count(spec.name());
                Long stat = null;
                if (bisonStats) {
                    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
                    LocalDate first = scan.replies().stream().map(Reply::dateReceived).filter(Objects::nonNull)
                            .min(Comparator.naturalOrder()).map(t -> LocalDate.ofInstant(t, ZoneOffset.UTC))
                            .orElse(today);
                    // One day of margin each side: the zone of Email Bison's stats dates is undocumented.
                    stat = workspaces.interestedStat(spec, first.minusDays(1), today.plusDays(1));
                }
                return new ClientReconciliation(spec.key(), scan.workspaceName(),
                        new Reconciliation(dedup.leads().size(), rows, stat), null);
            } catch (RuntimeException e) {
                return new ClientReconciliation(spec.key(), null, null, ErrorInfo.from(e));
            }
        }, spec -> new ClientReconciliation(spec.key(), null, null,
                new ErrorInfo(InterruptedException.class.getName(), "not reached: the check was interrupted")),
                ClientReconciliation::error, (earlier, later) -> later);
        return new ReconciliationReport(checkedAt, out);
    }

    /** See {@link BackfillOrchestrator#billing(BackfillPlan, List)}; the plan and windows are validated already. */
    BillingReport billing(BackfillPlan plan, List<BillingWindow> windows) {
        List<ClientBilling> out = rounds.run("billing count", plan.clients(), (spec, index, lane) -> {
            try {
                ScanResult scan = workspaces.scan(spec, lane, ScanOptions.builder(), false);
                LeadDedupResult dedup = LeadDedup.apply(scan.replies());
                List<BillingCounts> counts = new ArrayList<>(windows.size());
                for (BillingWindow w : windows) {
                    counts.add(counts(spec, w.countReplies(scan.replies()), w.countLeads(dedup.leads()), w, bisonStats));
                }
                return new ClientBilling(spec.key(), counts, null);
            } catch (RuntimeException e) {
                return new ClientBilling(spec.key(), List.of(), ErrorInfo.from(e));
            }
        }, spec -> new ClientBilling(spec.key(), List.of(),
                new ErrorInfo(InterruptedException.class.getName(), "not reached: the count was interrupted")),
                ClientBilling::error, (earlier, later) -> later);
        return new BillingReport(windows, out);
    }

    /** One window's counts: the scan's figures given, the sink's rows counted, the statistic if asked. */
    BillingCounts counts(ClientSpec spec, long windowReplies, long windowLeads, BillingWindow w, boolean withStat) {
        long rows = sink.count(spec.name(), w);
        Long stat = withStat ? workspaces.interestedStat(spec, w.firstDay(), w.lastDay()) : null;
        return new BillingCounts(w, windowReplies, windowLeads, rows, stat);
    }
}
