package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Billing windows in America/Los_Angeles around the 2026 DST changes and month ends, end to end:
 * replies received at chosen instants, written by the orchestrator, counted in Supabase and in the scan.
 */
class OrchestratorBillingIT {
    private static final ZoneId LA = ZoneId.of("America/Los_Angeles");
    // Hand-computed boundaries (not from BillingWindow): local midnights in Los Angeles.
    private static final Instant MARCH_START = Instant.parse("2026-03-01T08:00:00Z");  // PST
    private static final Instant MARCH_END = Instant.parse("2026-04-01T07:00:00Z");    // PDT: 31 days - 1 h
    private static final Instant NOV_START = Instant.parse("2026-11-01T07:00:00Z");    // PDT
    private static final Instant NOV_END = Instant.parse("2026-12-01T08:00:00Z");      // PST: 30 days + 1 h
    private static final Instant NOW = Instant.parse("2026-11-01T09:45:00Z");          // 01:45 PST, after the repeat hour

    private static final String[] RECEIVED = {
            "2026-03-01T07:59:59Z",  // Feb 28 23:59:59 PST: February
            "2026-03-01T08:00:00Z",  // Mar 1 00:00 PST: March (start is inclusive)
            "2026-03-08T09:30:00Z",  // Mar 8 01:30 PST, before the spring-forward gap
            "2026-03-08T10:30:00Z",  // Mar 8 03:30 PDT, after it
            "2026-04-01T06:59:59Z",  // Mar 31 23:59:59 PDT: March
            "2026-04-01T07:00:00Z",  // Apr 1 00:00 PDT: April (end is exclusive)
            "2026-04-01T07:30:00Z",  // Apr 1 00:30 PDT: April (a fixed -08:00 offset would say March)
            "2026-11-01T06:59:59Z",  // Oct 31 23:59:59 PDT: October
            "2026-11-01T08:30:00Z",  // Nov 1 01:30 PDT (first 01:30)
            "2026-11-01T09:30:00Z",  // Nov 1 01:30 PST (second 01:30)
            "2026-12-01T07:59:59Z",  // Nov 30 23:59:59 PST: November
            "2026-12-01T08:00:00Z",  // Dec 1 00:00 PST: December
    };

    @Test
    void monthAndMonthToDate_inLosAngeles_countTheSameInSupabaseAndInTheScan_acrossDstAndMonthEnds() {
        AtomicReference<Instant> simNow = new AtomicReference<>(Instant.parse("2025-06-01T00:00:00Z"));
        InstantSource simClock = simNow::get;
        try (BisonSimulator sim = BisonSimulator.builder().seed(11).clock(simClock)
                .dataAnchor(Instant.parse("2025-06-01T00:00:00Z"))   // generated history ends a year before
                .instance("main", i -> i.workspace(7, "Pacific Dental", 12, 4)).start();
             LeadsTable table = new LeadsTable()) {
            SimulatedInstance main = sim.instance("main");
            for (String t : RECEIVED) {
                simNow.set(Instant.parse(t));
                main.addReplies(7, 1);
            }
            try (BisonClient client = LeadsTable.client(main, Duration.ZERO).workspaceKey(7, main.mintApiUserKey(7)).build()) {
                BackfillOrchestrator orchestrator = BackfillOrchestrator.builder()
                        .instance(client).writer(table.writer).table(table.name)
                        .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
                BackfillPlan plan = BackfillPlan.of(new ClientSpec("Pacific Dental", "main", 7));
                BillingWindow march = BillingWindow.month(YearMonth.of(2026, 3), LA);

                BackfillReport run = orchestrator.run(plan, RunOptions.builder().billing(march).build());
                assertThat(run.succeeded()).isTrue();
                Map<String, Long> winners = LeadsTable.expected(main.interestedReplies(7));
                long marchLeads = leadsIn(main, winners, MARCH_START, MARCH_END);
                BillingCounts inRun = run.clients().get(0).billing();
                assertThat(inRun.bisonInterestedReplies()).isEqualTo(4);
                assertThat(inRun.bisonUniqueLeads()).isEqualTo(marchLeads);
                assertThat(inRun.supabaseRows()).isEqualTo(marchLeads);

                BillingReport nov = orchestrator.billing(plan, YearMonth.of(2026, 11), LA);
                assertThat(nov.windows()).extracting(BillingWindow::start, BillingWindow::end)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(NOV_START, NOV_END),
                                org.assertj.core.groups.Tuple.tuple(NOV_START, NOW));
                ClientBilling c = nov.client("Pacific Dental");
                assertThat(c.error()).isNull();
                BillingCounts whole = c.counts().get(0);
                BillingCounts toDate = c.counts().get(1);
                long novLeads = leadsIn(main, winners, NOV_START, NOV_END);
                long toDateLeads = leadsIn(main, winners, NOV_START, NOW);
                assertThat(whole.bisonInterestedReplies()).isEqualTo(3);
                assertThat(whole.bisonUniqueLeads()).isEqualTo(novLeads);
                assertThat(whole.supabaseRows()).isEqualTo(novLeads);
                assertThat(toDate.bisonInterestedReplies()).isEqualTo(2);
                assertThat(toDate.bisonUniqueLeads()).isEqualTo(toDateLeads);
                assertThat(toDate.supabaseRows()).isEqualTo(toDateLeads);
                assertThat(whole.bisonInterestedStat()).as("Email Bison's statistic, fetched alongside").isNotNull();
                assertThat(novLeads).isPositive();

                BillingReport marchAgain = orchestrator.billing(plan, YearMonth.of(2026, 3), LA);
                assertThat(marchAgain.windows()).hasSize(1);
                assertThat(marchAgain.clients().get(0).counts().get(0).supabaseRows()).isEqualTo(marchLeads);
                assertThat(marchAgain.complete()).isTrue();
            }
        }
    }

    /** Leads (winning replies) received in [start, end), from the ground truth. */
    private static long leadsIn(SimulatedInstance main, Map<String, Long> winners, Instant start, Instant end) {
        Map<Long, Instant> dates = new java.util.HashMap<>();
        for (Reply r : main.interestedReplies(7)) {
            dates.put(r.id(), r.dateReceived());
        }
        return winners.values().stream().map(dates::get)
                .filter(t -> !t.isBefore(start) && t.isBefore(end)).count();
    }
}
