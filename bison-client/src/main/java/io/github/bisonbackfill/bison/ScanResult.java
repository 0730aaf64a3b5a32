package io.github.bisonbackfill.bison;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The interested replies of one workspace, with what a caller needs to trust them. Every reply in
 * {@link #replies()} was read under a context proven to be {@link #workspaceId()}.
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
 * @param totalAtEnd          {@code meta.total} on a page read after the last one
 * @param violationsDetected  context violations detected during this scan
 * @param violationsRecovered violations recovered by discarding and re-reading
 * @param fullScan            {@code false} only when a catch-up scan stopped early by design
 * @param duration            wall time of the scan
 */
public record ScanResult(String instance, long workspaceId, String workspaceName, KeyMode keyMode,
                         List<Reply> replies, int pagesRead, int repliesSeen, long totalAtStart,
                         long totalAtEnd, int violationsDetected, int violationsRecovered,
                         boolean fullScan, Duration duration) {
    public ScanResult {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(keyMode, "keyMode");
        replies = List.copyOf(replies);
        Objects.requireNonNull(duration, "duration");
    }

    /** Whether {@code meta.total} changed during the scan: replies arrived or vanished meanwhile. */
    public boolean drifted() {
        return totalAtStart != totalAtEnd;
    }
}
