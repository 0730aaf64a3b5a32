package io.github.bisonbackfill.core;

import io.github.bisonbackfill.core.internal.Check;
import io.github.bisonbackfill.core.internal.Redact;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link ProgressListener} that prints a human-readable log of a run: one line per run and client
 * event, and page/batch progress at most once per {@link Builder#pageInterval(Duration)} per client
 * (the first and the last page or batch are always shown). Throttling uses the events' own
 * timestamps, so output is deterministic for a given event sequence. Lines never contain
 * credentials (messages pass a redaction filter as well).
 *
 * <pre>
 * run 2025-11-02T09:30Z-7f3a: 24 clients
 * [ 3/24] agency-main/37 (Harbor Insurance): started
 *         agency-main/37 (Harbor Insurance): page 12/40, 170 interested
 * [ 3/24] agency-main/37 (Harbor Insurance): COMPLETED in 3.1 s: 97 interested, 80 leads, 80 written, 0 rejected
 * </pre>
 *
 * <p>Thread-safe: lines from concurrent clients never interleave.
 */
public final class ConsoleProgressRenderer implements ProgressListener {
    /** Default minimum time between two progress lines of one client: 2 seconds. */
    public static final Duration DEFAULT_PAGE_INTERVAL = Duration.ofSeconds(2);

    private final PrintStream out;
    private final Duration pageInterval;
    private final Map<ClientKey, Instant> lastProgress = new HashMap<>();

    private ConsoleProgressRenderer(Builder b) {
        this.out = b.out;
        this.pageInterval = b.pageInterval;
    }

    /** A builder printing to {@link System#out} with {@link #DEFAULT_PAGE_INTERVAL}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public synchronized void runStarted(ProgressEvent.RunStarted e) {
        StringBuilder b = new StringBuilder("run ").append(e.runId()).append(": ").append(e.clients())
                .append(e.clients() == 1 ? " client" : " clients");
        if (e.dryRun() || e.resumed()) {
            b.append(" (").append(e.dryRun() ? "dry run" : "").append(e.dryRun() && e.resumed() ? ", " : "")
                    .append(e.resumed() ? "resumed" : "").append(')');
        }
        out.println(b);
    }

    @Override
    public synchronized void clientStarted(ProgressEvent.ClientStarted e) {
        lastProgress.remove(e.client());
        out.println(position(e.index(), e.of()) + e.client() + ": started");
    }

    @Override
    public synchronized void pageRead(ProgressEvent.PageRead e) {
        if (due(e.client(), e.at(), e.page() == 1 || e.page() >= e.lastPage())) {
            out.println(indent() + e.client() + ": page " + e.page() + "/" + e.lastPage() + ", "
                    + e.interestedSoFar() + " interested");
        }
    }

    @Override
    public synchronized void batchWritten(ProgressEvent.BatchWritten e) {
        if (due(e.client(), e.at(), e.batch() == 1 || e.rowsSoFar() >= e.rowsTotal())) {
            out.println(indent() + e.client() + ": written " + e.rowsSoFar() + "/" + e.rowsTotal() + " rows (batch "
                    + e.batch() + ")");
        }
    }

    @Override
    public synchronized void clientWarning(ProgressEvent.ClientWarning e) {
        out.println(indent() + e.client() + ": warning: " + Redact.text(e.message()));
    }

    @Override
    public synchronized void clientFinished(ProgressEvent.ClientFinished e) {
        lastProgress.remove(e.report().client());
        out.println(position(e.index(), e.of()) + summary(e.report()));
    }

    @Override
    public synchronized void runFinished(ProgressEvent.RunFinished e) {
        BackfillReport r = e.report();
        StringBuilder b = new StringBuilder("run ").append(r.runId()).append(" finished in ")
                .append(format(r.duration())).append(':');
        String sep = " ";
        for (ClientOutcome o : ClientOutcome.values()) {
            int n = r.count(o);
            if (n > 0) {
                b.append(sep).append(n).append(' ').append(o.name().toLowerCase(Locale.ROOT).replace('_', ' '));
                sep = ", ";
            }
        }
        if (r.clients().isEmpty()) {
            b.append(" no clients");
        }
        b.append("; ").append(r.totalRowsWritten()).append(" rows written");
        out.println(b);
    }

    private boolean due(ClientKey client, Instant at, boolean always) {
        Instant last = lastProgress.get(client);
        if (always || last == null || !at.isBefore(last.plus(pageInterval))) {
            lastProgress.put(client, at);
            return true;
        }
        return false;
    }

    private static String summary(ClientReport r) {
        StringBuilder b = new StringBuilder().append(r.client()).append(": ").append(r.outcome())
                .append(" in ").append(format(r.duration()));
        if (r.outcome() == ClientOutcome.SKIPPED_ALREADY_DONE || r.outcome() == ClientOutcome.NOT_RUN) {
            return b.toString();
        }
        String sep = ": ";
        if (r.scan() != null) {
            b.append(sep).append(r.scan().interestedReplies()).append(" interested");
            sep = ", ";
        }
        if (r.dedup() != null) {
            b.append(sep).append(r.dedup().uniqueLeads()).append(" leads");
            sep = ", ";
        }
        if (r.write() != null) {
            b.append(sep).append(r.write().rowsWritten()).append(" written");
            sep = ", ";
            if (r.write().retries() > 0) {
                b.append(", ").append(r.write().retries()).append(" retries");
            }
        }
        if (r.dedup() != null || r.write() != null) {
            b.append(sep).append(r.rejectedTotal()).append(" rejected");
            if (r.dedup() != null && !r.dedup().rejectedByReason().isEmpty()) {
                b.append(' ').append(r.dedup().rejectedByReason());
            }
        }
        if (r.scan() != null) {
            ScanStats scan = r.scan();
            if (scan.mode() == ScanMode.CATCH_UP) {
                b.append(", catch-up from reply ").append(scan.highWaterMark()).append(" (").append(scan.pagesRead())
                        .append(scan.pagesRead() == 1 ? " page)" : " pages)");
            } else if (scan.mode() == ScanMode.CATCH_UP_FELL_BACK) {
                b.append(", catch-up fell back to a full scan: ").append(scan.modeReason());
            } else if (scan.modeReason() != null) {
                b.append(", full scan: ").append(scan.modeReason());
            }
            if (r.scan().drift() != 0) {
                b.append(", scan drift ").append(r.scan().drift() > 0 ? "+" : "").append(r.scan().drift());
            }
            if (r.scan().violationsDetected() > 0) {
                b.append(", context violations ").append(r.scan().violationsDetected()).append(" detected/")
                        .append(r.scan().violationsRecovered()).append(" recovered");
            }
        }
        if (r.reconciliation() != null && !r.reconciliation().matches()) {
            b.append(", reconciliation: ").append(r.reconciliation().supabaseRows()).append(" rows vs ")
                    .append(r.reconciliation().bisonDistinctEmails()).append(" Email Bison leads");
        }
        if (r.error() != null) {
            b.append(": ").append(r.error().type()).append(": ").append(Redact.text(r.error().message()));
        }
        return b.toString();
    }

    private static String position(int index, int of) {
        int width = Integer.toString(Math.max(of, 1)).length();
        return String.format(Locale.ROOT, "[%" + width + "d/%d] ", index, of);
    }

    private static String indent() {
        return "        ";
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = d.toSeconds();
        return s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    /** Builds a {@link ConsoleProgressRenderer}. Not thread-safe. */
    public static final class Builder {
        private PrintStream out = System.out;
        private Duration pageInterval = DEFAULT_PAGE_INTERVAL;

        private Builder() {
        }

        /**
         * Where lines go; default {@link System#out}. Not closed by the renderer.
         *
         * @param out the stream
         * @return this builder
         */
        public Builder out(PrintStream out) {
            this.out = Check.notNull("out", out);
            return this;
        }

        /**
         * Minimum time between two page/batch lines of one client; default
         * {@link #DEFAULT_PAGE_INTERVAL}. {@link Duration#ZERO} prints every page.
         *
         * @param pageInterval the interval, not negative
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder pageInterval(Duration pageInterval) {
            this.pageInterval = Check.nonNegative("pageInterval", pageInterval);
            return this;
        }

        /** @return the renderer */
        public ConsoleProgressRenderer build() {
            return new ConsoleProgressRenderer(this);
        }
    }
}
