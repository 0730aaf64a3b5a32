package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.KeyMode;
import io.github.bisonbackfill.bison.ScanOptions;
import io.github.bisonbackfill.bison.ScanResult;
import org.jspecify.annotations.Nullable;

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
 * @param mode                full scan, catch-up, or catch-up fallen back to a full scan; a report
 *                            written before this field existed reads as {@link ScanMode#FULL}
 * @param highWaterMark       for a catch-up: the client's stored high-water reply id it started
 *                            from; else {@code null}
 * @param catchUpThreshold    for a catch-up: {@code max(0, highWaterMark - margin)}, the reply id
 *                            below which it stopped reading; else {@code null}
 * @param highestReplyId      the highest reply id on the pages read (0 if none), which becomes the
 *                            client's new high-water mark once the write completes
 * @param modeReason          why the mode is not what was asked: the fallback reason of
 *                            {@link ScanMode#CATCH_UP_FELL_BACK}, or why a since-last run read a
 *                            client fully ({@link ScanMode#FULL}, no high-water mark); else
 *                            {@code null}
 */
public record ScanStats(KeyMode keyMode, int pagesRead, int repliesSeen, int interestedReplies, long totalAtStart,
                        long totalAtEnd, int violationsDetected, int violationsRecovered, boolean fullScan,
                        Duration duration, ScanMode mode, @Nullable Long highWaterMark, @Nullable Long catchUpThreshold,
                        long highestReplyId, @Nullable String modeReason) {
    /**
     * Checks the mode against the other fields; a {@code null} mode (a report written before it
     * existed) becomes {@link ScanMode#FULL}.
     *
     * @throws NullPointerException     if {@code keyMode} or {@code duration} is {@code null}
     * @throws IllegalArgumentException if the mode contradicts the other fields: {@code FULL} or
     *                                  {@code CATCH_UP_FELL_BACK} without {@code fullScan}; a catch-up
     *                                  without its mark and threshold, or a full scan with them;
     *                                  {@code CATCH_UP_FELL_BACK} without a reason
     */
    public ScanStats {
        Objects.requireNonNull(keyMode, "keyMode");
        Objects.requireNonNull(duration, "duration");
        if (mode == null) {
            mode = ScanMode.FULL;
        }
        boolean catchUp = mode != ScanMode.FULL;
        if (mode != ScanMode.CATCH_UP && !fullScan) {
            throw new IllegalArgumentException(mode + " scan stats must have fullScan true");
        }
        if (catchUp != (highWaterMark != null) || catchUp != (catchUpThreshold != null)) {
            throw new IllegalArgumentException(mode + " scan stats " + (catchUp ? "need" : "must not have")
                    + " a highWaterMark and a catchUpThreshold");
        }
        if (mode == ScanMode.CATCH_UP_FELL_BACK && (modeReason == null || modeReason.isBlank())) {
            throw new IllegalArgumentException("CATCH_UP_FELL_BACK scan stats need the fallback reason");
        }
    }

    /**
     * Statistics of a scan: {@code from(scan, ScanOptions.defaults())}.
     *
     * @param scan a full scan
     * @return its statistics
     */
    public static ScanStats from(ScanResult scan) {
        return from(scan, ScanOptions.defaults(), null);
    }

    /**
     * Statistics of a scan read with {@code options}: {@link ScanMode#CATCH_UP} (or
     * {@link ScanMode#CATCH_UP_FELL_BACK} with the scan's fallback reason) when the options asked for
     * a catch-up, else {@link ScanMode#FULL}.
     *
     * @param scan    a scan
     * @param options the options it was read with
     * @return its statistics
     */
    public static ScanStats from(ScanResult scan, ScanOptions options) {
        return from(scan, options, null);
    }

    /** As {@link #from(ScanResult, ScanOptions)}, with the reason a full scan was read instead of a catch-up. */
    static ScanStats from(ScanResult scan, ScanOptions options, String fullScanReason) {
        ScanMode mode;
        Long mark = null;
        Long threshold = null;
        String reason = fullScanReason;
        if (options.highWaterReplyId().isPresent()) {
            mark = options.highWaterReplyId().getAsLong();
            threshold = options.catchUpThreshold().orElseThrow();
            mode = scan.fellBack() ? ScanMode.CATCH_UP_FELL_BACK : ScanMode.CATCH_UP;
            reason = scan.fallbackReason();
        } else {
            mode = ScanMode.FULL;
        }
        return new ScanStats(scan.keyMode(), scan.pagesRead(), scan.repliesSeen(), scan.replies().size(),
                scan.totalAtStart(), scan.totalAtEnd(), scan.violationsDetected(), scan.violationsRecovered(),
                scan.fullScan(), scan.duration(), mode, mark, threshold, scan.highestReplyId(), reason);
    }

    /** {@code meta.total} at the end minus at the start: replies that arrived (+) or vanished (-). */
    public long drift() {
        return totalAtEnd - totalAtStart;
    }
}
