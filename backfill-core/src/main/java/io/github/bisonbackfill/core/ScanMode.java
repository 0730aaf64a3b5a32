package io.github.bisonbackfill.core;

/**
 * How a client's Email Bison workspace was read in a run ({@link ScanStats#mode()}).
 */
public enum ScanMode {
    /**
     * Every page was read: a normal run, or a {@link RunOptions#sinceLast() since-last} run for a
     * client without a high-water mark ({@link ScanStats#modeReason()} then says so).
     */
    FULL,
    /**
     * A catch-up scan from the client's high-water mark: newest-first pages only, until the replies
     * were older than the mark minus the margin. {@link ScanStats#fullScan()} is {@code true} only when
     * that threshold lay beyond the last page.
     */
    CATCH_UP,
    /**
     * A catch-up scan found the reply order broken (ids not descending) on a page it read and read
     * every page after all; {@link ScanStats#modeReason()} says what broke.
     */
    CATCH_UP_FELL_BACK
}
