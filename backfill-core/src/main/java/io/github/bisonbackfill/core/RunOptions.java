package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.ScanOptions;
import io.github.bisonbackfill.core.internal.Check;
import org.jspecify.annotations.Nullable;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Options of one {@link BackfillOrchestrator#run(BackfillPlan, RunOptions)}. Immutable and
 * thread-safe; build with {@link #builder()}.
 *
 * <pre>{@code
 * RunOptions rerunOne = RunOptions.builder().client("Harbor Insurance").build();
 * RunOptions preview  = RunOptions.builder().dryRun(true).build();
 * RunOptions resume   = RunOptions.builder().resume(true).build();
 * RunOptions catchUp  = RunOptions.builder().sinceLast(true).build();   // backfill --since-last
 * }</pre>
 */
public final class RunOptions {
    /**
     * Default catch-up margin of a {@link Builder#sinceLast(boolean) since-last} run, in reply ids:
     * {@value}, the Email Bison client's {@link ScanOptions#DEFAULT_CATCH_UP_MARGIN} (ids are numbered
     * per instance across all workspaces, so 1,000 ids are typically a few dozen of one workspace's
     * replies: usually no extra page or one; see {@code docs/bison-client.md}, "Catch-up scans").
     */
    public static final long DEFAULT_CATCH_UP_MARGIN = ScanOptions.DEFAULT_CATCH_UP_MARGIN;

    private static final RunOptions DEFAULTS = builder().build();

    private final Set<String> clients;
    private final boolean dryRun;
    private final boolean resume;
    private final @Nullable BillingWindow billing;
    private final boolean sinceLast;
    private final long catchUpMargin;

    private RunOptions(Builder b) {
        this.clients = Collections.unmodifiableSet(new LinkedHashSet<>(b.clients));
        this.dryRun = b.dryRun;
        this.resume = b.resume;
        this.billing = b.billing;
        this.sinceLast = b.sinceLast;
        this.catchUpMargin = b.catchUpMargin == null ? DEFAULT_CATCH_UP_MARGIN : b.catchUpMargin;
    }

    /** A builder with every option at its default: all clients, written, a fresh run, no billing window. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default options: every client of the plan, written, a fresh run. */
    public static RunOptions defaults() {
        return DEFAULTS;
    }

    /** The selected client names; empty means the whole plan. */
    public Set<String> clients() {
        return clients;
    }

    /** Whether nothing is written (neither rows nor checkpoints). */
    public boolean dryRun() {
        return dryRun;
    }

    /** Whether clients completed in the checkpoint store's current run are skipped. */
    public boolean resume() {
        return resume;
    }

    /** The window counted into each {@link ClientReport#billing()}, if any. */
    public Optional<BillingWindow> billing() {
        return Optional.ofNullable(billing);
    }

    /**
     * Whether this is a catch-up run ({@code backfill --since-last}): clients with a high-water mark
     * are read only down to it (minus {@link #catchUpMargin()}), the others fully.
     */
    public boolean sinceLast() {
        return sinceLast;
    }

    /** The catch-up margin in reply ids ({@link #DEFAULT_CATCH_UP_MARGIN} unless set; used only by a since-last run). */
    public long catchUpMargin() {
        return catchUpMargin;
    }

    @Override
    public String toString() {
        return "RunOptions[clients=" + (clients.isEmpty() ? "all" : clients) + ", dryRun=" + dryRun + ", resume=" + resume
                + ", billing=" + billing + (sinceLast ? ", sinceLast, catchUpMargin=" + catchUpMargin : "") + "]";
    }

    /** Mutable builder of {@link RunOptions}; not thread-safe. */
    public static final class Builder {
        private final Set<String> clients = new LinkedHashSet<>();
        private boolean dryRun;
        private boolean resume;
        private @Nullable BillingWindow billing;
        private boolean sinceLast;
        private @Nullable Long catchUpMargin;

        private Builder() {
        }

        /**
         * Adds a client to run, by its exact name in the plan (repeatable). Default: every client.
         * A run of selected clients joins the checkpoint store's current run instead of starting a
         * new one, so re-running a failed client completes the run it belongs to.
         *
         * @param name the client's name
         * @return this builder
         * @throws NullPointerException if {@code name} is {@code null}
         */
        public Builder client(String name) {
            clients.add(Check.notNull("client", name));
            return this;
        }

        /**
         * Adds clients to run, by name. See {@link #client(String)}.
         *
         * @param names the names
         * @return this builder
         */
        public Builder clients(String... names) {
            for (String n : names) {
                client(n);
            }
            return this;
        }

        /**
         * Read, deduplicate and map, report what would be written, and write nothing: no rows, no
         * checkpoints. Default {@code false}.
         *
         * @param dryRun whether to write nothing
         * @return this builder
         */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /**
         * Resume the checkpoint store's current run: clients completed in it are reported as
         * {@link ClientOutcome#SKIPPED_ALREADY_DONE} and not read again. Without a current run, a
         * fresh one starts. Default {@code false} (a full run starts a fresh run id).
         *
         * @param resume whether to resume
         * @return this builder
         */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /**
         * Count each client's leads in this window as well (from the scan just read and, unless dry
         * run, from Supabase), into {@link ClientReport#billing()}. Default: none.
         *
         * @param window the window, e.g. {@code BillingWindow.monthToDate(clock, zone)}
         * @return this builder
         */
        public Builder billing(BillingWindow window) {
            this.billing = Check.notNull("billing", window);
            return this;
        }

        /**
         * Makes this a catch-up run, the API form of {@code backfill --since-last}. Default
         * {@code false} (every page of every client). For each client whose checkpoint holds a
         * high-water reply id (set when the client last completed, in any earlier run), only the
         * newest pages are read, until the replies are older than the mark minus
         * {@link #catchUpMargin(long)}; the reply order (ids descending) is verified on every page
         * read, and where it does not hold the client falls back to a full scan
         * ({@link ScanMode#CATCH_UP_FELL_BACK}, with the reason). A client without a mark is read fully
         * ({@link ScanMode#FULL} with {@link ScanStats#modeReason()} saying why). After a complete write
         * the mark becomes {@code max(old mark, highest reply id read)}.
         *
         * <p>A catch-up is a new pass, not part of the store's current run: it gets a run id of its own,
         * reads every selected client whatever its status in the current run, and does not replace the
         * current run id, so an interrupted full run can still be resumed afterwards (clients the
         * catch-up recorded are then read again by that resume). It cannot itself be resumed (combining it
         * with {@link #resume(boolean)} is refused): running it again costs a page or two per client.
         * The full run stays the reconciliation of record; {@link BackfillOrchestrator#reconcile} always
         * reads every page.
         *
         * @param sinceLast whether to catch up from the stored high-water marks
         * @return this builder
         */
        public Builder sinceLast(boolean sinceLast) {
            this.sinceLast = sinceLast;
            return this;
        }

        /**
         * How many reply ids below a client's high-water mark a {@link #sinceLast(boolean) since-last}
         * run reads again; default {@link #DEFAULT_CATCH_UP_MARGIN}. It covers replies just below the
         * mark that were not yet listed as interested when it was taken; a reply marked interested
         * long after it arrived is found only by a full run.
         *
         * @param margin reply ids, not negative
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder catchUpMargin(long margin) {
            this.catchUpMargin = Check.nonNegative("catchUpMargin", margin);
            return this;
        }

        /**
         * @return the options
         * @throws IllegalStateException if {@link #catchUpMargin(long)} is set without
         *                               {@link #sinceLast(boolean)}, or a since-last run is combined with
         *                               {@link #resume(boolean)} or {@link #billing(BillingWindow)}
         *                               (billing counts need every page)
         */
        public RunOptions build() {
            if (catchUpMargin != null && !sinceLast) {
                throw new IllegalStateException("catchUpMargin applies only to a catch-up run: add sinceLast(true)");
            }
            if (sinceLast && resume) {
                throw new IllegalStateException("a since-last (catch-up) run cannot be resumed: it is a new pass of"
                        + " its own; run it again (it reads a page or two per client), or resume(true) alone to"
                        + " resume the interrupted full run");
            }
            if (sinceLast && billing != null) {
                throw new IllegalStateException("billing counts need every page, which a since-last run does not"
                        + " read: use orchestrator.billing(plan, windows) or a full run with billing(window)");
            }
            return new RunOptions(this);
        }
    }
}
