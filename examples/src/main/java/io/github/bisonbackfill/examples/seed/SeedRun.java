package io.github.bisonbackfill.examples.seed;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/**
 * The outcome of one run of the seed procedure over a batch of clients.
 *
 * @param clients      per client, in the order they ran
 * @param requestsSent Email Bison requests sent (switches and pages)
 * @param wallTime     from the first switch to the end of the last client (sleeps included)
 */
public record SeedRun(List<SeedClientResult> clients, long requestsSent, Duration wallTime) {
    public SeedRun {
        clients = List.copyOf(clients);
    }

    /** Rows the seed reports as written, over all clients. */
    public long rowsReported() {
        return clients.stream().mapToLong(SeedClientResult::rowsReported).sum();
    }

    /** Rows Supabase acknowledged, over all clients. */
    public long rowsAcknowledged() {
        return clients.stream().mapToLong(SeedClientResult::rowsAcknowledged).sum();
    }

    /**
     * Rows written under a client whose reply belongs to another workspace, over all clients.
     *
     * @param workspaceOfReply ground truth, e.g. {@code instance::workspaceOfReply} of the simulator
     * @return the number of foreign rows submitted
     */
    public long foreignRows(LongFunction<OptionalLong> workspaceOfReply) {
        return clients.stream().mapToLong(c -> c.foreignReplyIds(workspaceOfReply).size()).sum();
    }
}
