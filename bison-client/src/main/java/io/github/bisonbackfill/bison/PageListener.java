package io.github.bisonbackfill.bison;

/**
 * Receives per-page progress of {@link BisonClient#scanInterestedReplies(long, ScanOptions)}.
 * Called on the scanning thread, in page order, once per accepted page (a page discarded by the
 * workspace-safety checks and read again is reported once, when accepted). An exception thrown by
 * the listener aborts the scan and propagates to the caller. Keep it fast: under a super-admin key
 * the session lock is held while it runs, and it must not call the same client for another
 * workspace of the same instance (that would switch mid-scan; the client refuses it).
 */
@FunctionalInterface
public interface PageListener {
    /**
     * Called after a page was accepted.
     *
     * @param progress the page's progress
     */
    void onPage(PageProgress progress);
}
