package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.internal.BisonJson.RepliesPage;
import org.jspecify.annotations.Nullable;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The order evidence and stop rule of one catch-up scan, fed the accepted pages in page order. Not
 * thread-safe (one scan's thread).
 *
 * <p>The order check: ids descend strictly within a page, and every id not seen before in this
 * scan is below every id seen before. The exception is a reply seen again: replies arriving (or
 * marked interested) mid-scan push the rest down, so a later page may repeat the end of an earlier
 * one; a repeat is no evidence against the order.
 */
final class CatchUp {
    private final long threshold;
    private final Set<Long> seen = new HashSet<>();
    private long floor = Long.MAX_VALUE;
    private int floorPage;

    /** @param threshold the scan stops after the first page holding an id below it */
    CatchUp(long threshold) {
        this.threshold = threshold;
    }

    long threshold() {
        return threshold;
    }

    /** Whether a page (read, not yet proven) holds an id below the threshold. */
    boolean reaches(RepliesPage page) {
        for (long id : page.replyIds()) {
            if (id < threshold) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks the accepted pages in order and records them.
     *
     * @param pages accepted pages, in page order, following those already checked
     * @return what breaks the order, or {@code null} if it holds
     */
    @Nullable String check(List<RepliesPage> pages) {
        for (RepliesPage page : pages) {
            long[] ids = page.replyIds();
            for (int i = 0; i < ids.length; i++) {
                long id = ids[i];
                if (i > 0 && id >= ids[i - 1]) {
                    return "reply ids on page " + page.page() + " are not in descending order (" + ids[i - 1]
                            + " then " + id + ")";
                }
                if (seen.add(id)) {
                    if (id >= floor) {
                        return "reply " + id + " on page " + page.page() + " is not below reply " + floor
                                + " read earlier on page " + floorPage;
                    }
                    floor = id;
                    floorPage = page.page();
                }
            }
        }
        return null;
    }
}
