package io.github.bisonbackfill.core;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
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
 * }</pre>
 */
public final class RunOptions {
    private static final RunOptions DEFAULTS = builder().build();

    private final Set<String> clients;
    private final boolean dryRun;
    private final boolean resume;
    private final BillingWindow billing;

    private RunOptions(Builder b) {
        this.clients = Collections.unmodifiableSet(new LinkedHashSet<>(b.clients));
        this.dryRun = b.dryRun;
        this.resume = b.resume;
        this.billing = b.billing;
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

    @Override
    public String toString() {
        return "RunOptions[clients=" + (clients.isEmpty() ? "all" : clients) + ", dryRun=" + dryRun + ", resume=" + resume
                + ", billing=" + billing + "]";
    }

    /** Mutable builder of {@link RunOptions}; not thread-safe. */
    public static final class Builder {
        private final Set<String> clients = new LinkedHashSet<>();
        private boolean dryRun;
        private boolean resume;
        private BillingWindow billing;

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
            clients.add(Objects.requireNonNull(name, "name"));
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
            this.billing = Objects.requireNonNull(window, "window");
            return this;
        }

        /** @return the options */
        public RunOptions build() {
            return new RunOptions(this);
        }
    }
}
