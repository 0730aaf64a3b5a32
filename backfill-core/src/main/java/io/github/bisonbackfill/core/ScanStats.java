package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.KeyMode;
import io.github.bisonbackfill.bison.ScanResult;

import java.time.Duration;
import java.util.Objects;

/**
 * The Email Bison side of a client report.
 *
 * @param keyMode             how the workspace was reached
 * @param pagesRead           pages accepted
 * @param repliesSeen         replies on those pages before the interested filter
 * @param interestedReplies   replies with {@code interested == true}
 * @param totalAtStart        {@code meta.total} at the start of the scan
 * @param totalAtEnd          {@code meta.total} at its end
 * @param violationsDetected  workspace-context violations detected
 * @param violationsRecovered violations recovered by re-reading
 * @param fullScan            {@code false} only for a catch-up scan that stopped early by design
 * @param duration            wall time of the scan
 */
public record ScanStats(KeyMode keyMode, int pagesRead, int repliesSeen, int interestedReplies, long totalAtStart,
                        long totalAtEnd, int violationsDetected, int violationsRecovered, boolean fullScan,
                        Duration duration) {
    /** @throws NullPointerException if {@code keyMode} or {@code duration} is {@code null} */
    public ScanStats {
        Objects.requireNonNull(keyMode, "keyMode");
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * @param scan a scan
     * @return its statistics
     */
    public static ScanStats from(ScanResult scan) {
        return new ScanStats(scan.keyMode(), scan.pagesRead(), scan.repliesSeen(), scan.replies().size(),
                scan.totalAtStart(), scan.totalAtEnd(), scan.violationsDetected(), scan.violationsRecovered(),
                scan.fullScan(), scan.duration());
    }

    /** {@code meta.total} at the end minus at the start: replies that arrived (+) or vanished (-). */
    public long drift() {
        return totalAtEnd - totalAtStart;
    }
}
