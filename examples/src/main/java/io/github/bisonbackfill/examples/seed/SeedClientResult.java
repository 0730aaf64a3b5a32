package io.github.bisonbackfill.examples.seed;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/**
 * What the seed procedure read and wrote for one client.
 *
 * <p>{@code rowsReported} is what the seed itself would have reported ("done, N leads"): it counts
 * failed upsert batches as written and a scan stopped by a failed page as complete (two of the seed's
 * known defects). {@code rowsAcknowledged} is what Supabase actually acknowledged.
 *
 * @param client            the client as configured
 * @param switchStatus      HTTP status of the switch request (0 when it got no response); the seed
 *                          goes on whatever it is
 * @param pagesRead         pages answered 200
 * @param repliesRead       replies on those pages (every reply: the seed's {@code interested=1} is
 *                          ignored by Email Bison)
 * @param repliesWithoutEmail replies dropped because neither the lead's email nor the from address was present
 * @param scanStoppedBy     {@code null} when the scan reached {@code meta.last_page}; otherwise what
 *                          stopped it (e.g. {@code "page 4: HTTP 429"}), after which the seed still
 *                          wrote what it had and reported the client as done
 * @param writtenReplyIds   reply ids of the rows submitted under this client, one per lead, in order
 * @param rowsReported      rows the seed reports as written (failed batches included)
 * @param rowsAcknowledged  rows Supabase acknowledged
 * @param failedBatches     upsert batches that threw or were not fully acknowledged
 * @param requestsSent      Email Bison requests sent for this client (switch and pages)
 * @param duration          from the switch to the last upsert (the sleep before the next client excluded)
 */
public record SeedClientResult(SeedClient client, int switchStatus, int pagesRead, int repliesRead,
                               int repliesWithoutEmail,
                               String scanStoppedBy, List<Long> writtenReplyIds, int rowsReported,
                               long rowsAcknowledged, int failedBatches, int requestsSent, Duration duration) {
    public SeedClientResult {
        writtenReplyIds = List.copyOf(writtenReplyIds);
    }

    /**
     * Reply ids written under this client that belong to another workspace, by the given ground truth.
     *
     * <p>With the simulator: {@code result.foreignReplyIds(instance::workspaceOfReply)}.
     *
     * @param workspaceOfReply the workspace a reply id really belongs to (empty when unknown: counted
     *                         as foreign, since it cannot be this client's)
     * @return the foreign reply ids, in write order
     */
    public List<Long> foreignReplyIds(LongFunction<OptionalLong> workspaceOfReply) {
        return writtenReplyIds.stream()
                .filter(id -> {
                    OptionalLong ws = workspaceOfReply.apply(id);
                    return ws.isEmpty() || ws.getAsLong() != client.workspaceId();
                })
                .toList();
    }
}
