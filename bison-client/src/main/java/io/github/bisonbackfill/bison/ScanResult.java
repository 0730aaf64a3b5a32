package io.github.bisonbackfill.bison;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The interested replies of one workspace, with what a caller needs to trust them. Every reply in
 * {@link #replies()} was read under a context proven to be {@link #workspaceId()}.
 *
 * <p>Three shapes: a full scan ({@code fullScan} true, no {@code fallbackReason}); a catch-up scan
 * that stopped early ({@code fullScan} false: {@code replies} holds every interested reply with an id
 * at or above the catch-up threshold, plus the older ones on the pages read); a catch-up scan that
 * found the reply order it relies on broken and read every page ({@code fullScan} true,
 * {@code fallbackReason} set). A catch-up whose threshold lay beyond the last page is a full scan
 * without a fallback reason.
 *
 * @param instance            the instance name of the client that read it
 * @param workspaceId         the workspace asked for
 * @param workspaceName       its name as Email Bison confirmed it
 * @param keyMode             how the workspace was reached
 * @param replies             replies with {@code interested == true}, one per reply id, in the
 *                            order first read
 * @param pagesRead           pages accepted (after any re-reads)
 * @param repliesSeen         replies on those pages before the {@code interested} filter
 * @param totalAtStart        {@code meta.total} on the first page
 * @param totalAtEnd          {@code meta.total} on the last page accepted
 * @param violationsDetected  context violations detected during this scan
 * @param violationsRecovered violations recovered by discarding and re-reading
 * @param fullScan            {@code false} only when a catch-up scan stopped early by design
 * @param duration            wall time of the scan
 * @param highestReplyId      the highest reply id on the pages accepted, before the
 *                            {@code interested} filter (the pages are {@code status=interested}
 *                            listings, the ids the catch-up order and threshold are judged on);
 *                            {@code 0} when no reply was seen. The next catch-up's high-water mark:
 *                            keep the larger of it and the previous mark
 * @param fallbackReason      why a catch-up scan read every page after all (the reply order it
 *                            relies on did not hold), or {@code null}
 * @param totalFell           whether {@code meta.total} ever fell from one accepted page to the next:
 *                            a reply vanished mid-scan, which shifts later replies towards pages
 *                            already read, so one may have been missed (arrivals only duplicate)
 */
public record ScanResult(String instance, long workspaceId, String workspaceName, KeyMode keyMode,
                         List<Reply> replies, int pagesRead, int repliesSeen, long totalAtStart,
                         long totalAtEnd, int violationsDetected, int violationsRecovered,
                         boolean fullScan, Duration duration, long highestReplyId, @Nullable String fallbackReason,
                         boolean totalFell) {
    /**
     * Validates and copies.
     *
     * @throws NullPointerException     if {@code instance}, {@code keyMode}, {@code replies} or
     *                                  {@code duration} is {@code null}
     * @throws IllegalArgumentException if {@code highestReplyId} is negative, or a fallback reason is
     *                                  given for a scan that did not read every page
     */
    public ScanResult {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(keyMode, "keyMode");
        replies = List.copyOf(replies);
        Objects.requireNonNull(duration, "duration");
        if (highestReplyId < 0) {
            throw new IllegalArgumentException("highestReplyId must not be negative: " + highestReplyId);
        }
        if (fallbackReason != null && !fullScan) {
            throw new IllegalArgumentException("a scan that fell back to a full scan must have fullScan == true");
        }
    }

    /**
     * Creates a result without catch-up details (the shape before catch-up scans existed):
     * {@code highestReplyId} is the highest id in {@code replies} (0 if none), no fallback reason,
     * and the total fell only if {@code totalAtEnd < totalAtStart}.
     *
     * @throws NullPointerException if {@code instance}, {@code keyMode}, {@code replies} or
     *                              {@code duration} is {@code null}
     */
    public ScanResult(String instance, long workspaceId, String workspaceName, KeyMode keyMode,
                      List<Reply> replies, int pagesRead, int repliesSeen, long totalAtStart,
                      long totalAtEnd, int violationsDetected, int violationsRecovered,
                      boolean fullScan, Duration duration) {
        this(instance, workspaceId, workspaceName, keyMode, replies, pagesRead, repliesSeen, totalAtStart,
                totalAtEnd, violationsDetected, violationsRecovered, fullScan, duration,
                Math.max(0, Objects.requireNonNull(replies, "replies").stream().mapToLong(Reply::id).max().orElse(0)), null,
                totalAtEnd < totalAtStart);
    }

    /**
     * Whether {@code meta.total} changed during the scan (between the first and the last page
     * accepted, which for a catch-up that stopped early is over the pages it read, or fell on the way:
     * {@link #totalFell()}): replies arrived or vanished meanwhile.
     */
    public boolean drifted() {
        return totalFell || totalAtStart != totalAtEnd;
    }

    /** Whether a catch-up scan fell back to reading every page ({@link #fallbackReason()} is set). */
    public boolean fellBack() {
        return fallbackReason != null;
    }
}
