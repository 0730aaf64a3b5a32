package io.github.bisonbackfill.examples.bench;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.core.BackfillOrchestrator;
import io.github.bisonbackfill.core.BackfillPlan;
import io.github.bisonbackfill.core.BackfillReport;
import io.github.bisonbackfill.core.ClientReport;
import io.github.bisonbackfill.core.ClientSpec;
import io.github.bisonbackfill.core.ProgressEvent;
import io.github.bisonbackfill.core.ProgressListener;
import io.github.bisonbackfill.supabase.SupabaseWriter;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of {@code BackfillBenchmark memory}: backfills one workspace through
 * {@link BackfillOrchestrator} (library defaults, except the client-side request rate, raised because
 * the simulator here has no latency and no rate limit and memory, not the rate, is measured) and prints
 * the heap it needed. The simulator runs in the parent JVM, so nothing of it is counted here.
 *
 * <p>Prints: the heap limit, the peak heap occupancy (all heap pools, garbage included: what the heap had
 * to hold between collections), two live sets (heap used right after a forced full collection): when
 * the last page has been read (every reply of the scan reachable: the peak) and when the first upsert
 * batch has been acknowledged (the dedup's winning replies and one chunk of mapped rows), the number
 * of collections, and the outcome.
 */
public final class MemoryProbe {
    static final String ENV_URL = "BENCH_BISON_URL";
    static final String ENV_KEY = "BENCH_BISON_KEY";
    static final String ENV_WORKSPACE = "BENCH_WORKSPACE";
    static final String ENV_CLIENT = "BENCH_CLIENT";
    static final String ENV_TABLE = "BENCH_TABLE";
    static final String ENV_RATE = "BENCH_CLIENT_RATE";

    private MemoryProbe() {
    }

    /**
     * Runs the probe (started by {@code BackfillBenchmark memory}).
     *
     * @param args none; settings come from the environment
     * @throws Exception when the backfill fails
     */
    public static void main(String[] args) throws Exception {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        AtomicLong liveAfterScan = new AtomicLong(-1);
        AtomicLong liveWhileWriting = new AtomicLong(-1);
        AtomicInteger pages = new AtomicInteger();
        ProgressListener probe = new ProgressListener() {
            @Override
            public void pageRead(ProgressEvent.PageRead e) {
                if (pages.incrementAndGet() == e.lastPage()) {
                    liveAfterScan.set(liveHeap(heap));
                }
            }

            @Override
            public void batchWritten(ProgressEvent.BatchWritten e) {
                if (e.batch() == 1) {
                    liveWhileWriting.set(liveHeap(heap));
                }
            }
        };

        long workspace = Long.parseLong(BenchSupport.env(ENV_WORKSPACE));
        String client = BenchSupport.env(ENV_CLIENT);
        long start = System.nanoTime();
        BackfillReport report;
        try (BisonClient bison = BisonClient.builder().baseUrl(BenchSupport.env(ENV_URL)).instanceName(Workload.INSTANCE)
                .workspaceKey(workspace, BenchSupport.env(ENV_KEY))
                .requestsPerSecond(Double.parseDouble(BenchSupport.env(ENV_RATE))).build();
             SupabaseWriter writer = SupabaseWriter.builder().restUrl(BenchSupport.env("SUPABASE_REST_URL"))
                     .apiKey(BenchSupport.env("SUPABASE_SERVICE_ROLE_KEY")).build()) {
            report = BackfillOrchestrator.builder().instance(bison)
                    .writer(writer).table(BenchSupport.env(ENV_TABLE)).listener(probe).build()
                    .run(BackfillPlan.of(new ClientSpec(client, Workload.INSTANCE, workspace)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        long collections = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        ClientReport r = report.clients().get(0);
        System.out.printf("| heap limit (-Xmx) | %d MiB |%n", Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("| outcome | %s |%n", r.outcome());
        System.out.printf("| pages read / interested replies / unique leads | %d / %d / %d |%n", r.scan().pagesRead(),
                r.scan().interestedReplies(), r.dedup() == null ? 0 : r.dedup().uniqueLeads());
        System.out.printf("| rows written | %d |%n", r.rowsWritten());
        System.out.printf("| wall time | %.1f s |%n", seconds);
        System.out.printf("| peak heap occupancy (garbage included) | %d MiB |%n", peak >> 20);
        System.out.printf("| live set when the last page was read (every reply reachable) | %d MiB |%n", liveAfterScan.get() >> 20);
        System.out.printf("| live set while writing (first batch acknowledged: the winning replies, one chunk of rows) | %d MiB |%n",
                liveWhileWriting.get() >> 20);
        System.out.printf("| collections | %d |%n", collections);
        if (r.error() != null) {
            System.out.printf("| error | %s: %s |%n", r.error().type(), r.error().message());
        }
    }

    /** Heap in use right after a forced full collection: what is reachable now. */
    private static long liveHeap(List<MemoryPoolMXBean> heap) {
        System.gc();
        return heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    }
}
