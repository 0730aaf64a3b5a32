package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.PageListener;
import io.github.bisonbackfill.bison.PageProgress;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.internal.BisonJson.RepliesPage;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one pass of a scan accepted: its replies, counts, totals, the page 1 its closing read must
 * still find, its catch-up state and the reply ids it put into the tripwire. A pass the closing read
 * discards is {@linkplain #discard() taken back} and replaced by a new object, so nothing of it
 * survives into the next pass. Used by the scan's thread only.
 */
final class ScanPass {
    private final long workspaceId;
    private final ReplyTripwire tripwire;
    final Map<Long, Reply> replies = new LinkedHashMap<>();
    int pagesRead;
    int repliesSeen;
    @Nullable Long totalAtStart;
    long totalAtEnd;
    boolean totalFell;
    /** The {@code meta.total} the next group's pages must show, or {@code null} before page 1. */
    @Nullable Long expectedTotal;
    long highestReplyId;
    /** Non-null while the pass is a catch-up that has neither stopped nor fallen back. */
    @Nullable CatchUp catchUp;
    boolean stoppedEarly;
    @Nullable String fallbackReason;
    /** Reply ids this pass put into the tripwire. */
    private final List<Long> registered = new ArrayList<>();
    /** Page 1 as accepted: what the closing read must still find; {@code null} until then. */
    @Nullable Set<Long> firstPageIds;
    long firstPageTotal;

    /**
     * @param catchUp the catch-up of this pass (its own state), or {@code null} for a full scan
     */
    ScanPass(long workspaceId, ReplyTripwire tripwire, @Nullable CatchUp catchUp) {
        this.workspaceId = workspaceId;
        this.tripwire = tripwire;
        this.catchUp = catchUp;
    }

    /**
     * Registers the group's reply ids in the tripwire (taken back if the pass is discarded).
     *
     * @return a conflict with another workspace, or {@code null}
     */
    @Nullable String register(List<RepliesPage> group) {
        return tripwire.register(workspaceId, group, registered);
    }

    /** Takes back the pass's tripwire entries: it is discarded. */
    void discard() {
        tripwire.release(workspaceId, registered);
        registered.clear();
    }

    /** Takes a proven group into the pass and reports its pages to the listener. */
    void accept(List<RepliesPage> group, int lastPage, PageListener listener) {
        for (RepliesPage page : group) {
            pagesRead++;
            repliesSeen += page.seen();
            for (Reply reply : page.interested()) {
                replies.putIfAbsent(reply.id(), reply);
            }
            for (long id : page.replyIds()) {
                highestReplyId = Math.max(highestReplyId, id);
            }
            if (totalAtStart == null) {
                totalAtStart = page.total();
            } else if (page.total() < totalAtEnd) {
                totalFell = true;
            }
            if (page.page() == 1 && firstPageIds == null) {
                firstPageIds = new HashSet<>();
                for (long id : page.replyIds()) {
                    firstPageIds.add(id);
                }
                firstPageTotal = page.total();
            }
            totalAtEnd = page.total();
            expectedTotal = page.total();
            listener.onPage(new PageProgress(workspaceId, page.page(), lastPage, page.seen(),
                    page.interested().size()));
        }
    }

    /**
     * Keeps what the proven closing read found that the pass did not: replies that arrived on page 1
     * after the pass read it (its new top), which the pass would otherwise miss until the next run.
     *
     * @return a tripwire conflict, or {@code null}
     */
    @Nullable String keep(List<RepliesPage> closing) {
        String conflict = register(closing);
        if (conflict != null) {
            return conflict;
        }
        for (RepliesPage page : closing) {
            for (Reply reply : page.interested()) {
                replies.putIfAbsent(reply.id(), reply);
            }
            for (long id : page.replyIds()) {
                highestReplyId = Math.max(highestReplyId, id);
            }
            if (page.total() < totalAtEnd) {
                totalFell = true;
            }
            totalAtEnd = page.total();
        }
        return null;
    }

    /** Whether the page lists a reply of the page 1 the pass started from. */
    boolean sharesReplyWithFirstPage(RepliesPage page) {
        for (long id : page.replyIds()) {
            if (firstPageIds.contains(id)) {
                return true;
            }
        }
        return false;
    }
}
