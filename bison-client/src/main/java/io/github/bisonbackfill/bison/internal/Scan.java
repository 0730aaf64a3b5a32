package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.KeyMode;
import io.github.bisonbackfill.bison.ScanOptions;
import io.github.bisonbackfill.bison.ScanResult;
import io.github.bisonbackfill.bison.internal.BisonJson.CurrentUser;
import io.github.bisonbackfill.bison.internal.BisonJson.RepliesPage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One scan of a workspace's interested replies: passes of fence groups (establish the context, read
 * a group, prove it: read-back, tripwire, totals), the closing read that proves a pass, the
 * catch-up stop rule, and the result. A pass lives in a {@link ScanPass}; a discarded pass is
 * replaced by a new one.
 */
final class Scan {
    /** Logs under the engine's name, the one logging configurations name. */
    private static final Logger log = LoggerFactory.getLogger(BisonEngine.class);

    private final WorkspaceContext context;
    private final ClientConfig config;
    private final ContextGuard guard;
    private final ReplyTripwire tripwire;
    private final ScanOptions options;
    private final PageFetcher pages;
    private ScanPass pass;

    Scan(WorkspaceContext context, ContextGuard guard, ReplyTripwire tripwire, PageFetcher pages,
         ScanOptions options) {
        this.context = context;
        this.config = context.config();
        this.guard = guard;
        this.tripwire = tripwire;
        this.pages = pages;
        this.options = options;
        this.pass = newPass();
    }

    private ScanPass newPass() {
        CatchUp catchUp = options.catchUpThreshold().isPresent()
                ? new CatchUp(options.catchUpThreshold().getAsLong()) : null;
        return new ScanPass(guard.workspaceId, tripwire, catchUp);
    }

    /**
     * Reads every page (or a catch-up's newest ones). With the super-admin key a pass ends with a
     * closing read of page 1 under a last fence: it must still share replies with the page 1 the
     * pass started from. A read-back may run ahead of the data, so another actor switching the
     * user away and back can make a whole short pass (its page 1 included, which sets the expected
     * total) come from another workspace while every check of the read-back shows the target;
     * the closing read, taken later, exposes it. Then the whole pass is discarded and read again
     * (bounded by the recoveries).
     */
    void run() {
        for (;;) {
            runPass();
            if (!guard.fenced) {
                return;
            }
            String broken = closingCheck();
            if (broken == null) {
                return;
            }
            // The pass's groups are thrown away: that round proved nothing that is kept.
            guard.forgetProgress();
            guard.recordViolation(broken);
            pass.discard();
            pass = newPass();
        }
    }

    /**
     * Reads page 1 again under a last fence. A fence that fails only says the closing read itself
     * is unproven, not the pass: the context is re-established and the closing read repeated
     * (bounded like every recovery). Returns why the pass must be discarded, or {@code null}.
     */
    private @Nullable String closingCheck() {
        // Wait out the settle delay first, watching the read-back: data that trails the read-back by
        // up to the settle delay is the target's afterwards, so a pass served whole from another
        // workspace (a foreign switch whose data trailed a read-back that showed ours) shares nothing
        // with the closing page. Measured: scripts/bench-faults.sh, docs/benchmarks.md.
        CurrentUser away = guard.watch(config.switchSettleDelay());
        if (away != null) {
            guard.recordViolation("before the closing read the current workspace was " + away.describeTeam());
            guard.switchAndVerify();
        }
        RepliesPage again;
        for (;;) {
            again = pages.fetch(1);
            CurrentUser after = guard.check();
            if (guard.isTarget(after)) {
                break;
            }
            guard.recordViolation("after the closing read of page 1 the current workspace was "
                    + after.describeTeam());
            guard.switchAndVerify();
        }
        if (pass.firstPageIds == null) {
            return null;
        }
        if (pass.firstPageIds.isEmpty() && again.seen() == 0) {
            return again.total() == pass.firstPageTotal ? null
                    : "page 1 was empty at the start and at the end, but meta.total went from " + pass.firstPageTotal
                    + " to " + again.total();
        }
        if (pass.sharesReplyWithFirstPage(again)) {
            return pass.keep(List.of(again));
        }
        // A busy workspace: a whole page of new replies arrived meanwhile (the total grew) and pushed
        // the first page's replies down to page 2. Proven only if page 2, under the same fence, has them.
        if (again.total() > pass.firstPageTotal && again.lastPage() >= 2) {
            RepliesPage second = pages.fetch(2);
            CurrentUser after2 = guard.check();
            if (!guard.isTarget(after2)) {
                return "after the closing read of page 2 the current workspace was " + after2.describeTeam();
            }
            if (pass.sharesReplyWithFirstPage(second)) {
                // The new page 1 shares nothing with the pass: it is not kept (the next run reads it).
                return pass.keep(List.of(second));
            }
        }
        return "the closing read of page 1 shares no reply with the page 1 the scan started from (meta.total "
                + pass.firstPageTotal + " then " + again.total() + "): the pages read may be another workspace's";
    }

    private void runPass() {
        RepliesPage carried = guard.fenced ? establish(1) : null;
        if (carried != null) {
            // Page 1 after the proven flip sets the expectation the other pages' totals must meet.
            pass.expectedTotal = carried.total();
        }
        int next = 1;
        int lastPage = -1;
        boolean totalsRecheck = false;
        while (lastPage < 0 || next <= lastPage) {
            List<RepliesPage> group = pass.catchUp != null ? readCatchUpGroup(next, lastPage, carried)
                    : readGroup(next, lastPage, carried);
            carried = null;
            String violation = null;
            if (guard.fenced) {
                CurrentUser during = pages.takeSeenWhileReading();
                CurrentUser after = guard.check();
                if (during == PageFetcher.UNKNOWN_CONTEXT) {
                    violation = "the read-back failed while " + span(group) + " were read, so they are unproven";
                } else if (during != null) {
                    violation = "while reading " + span(group) + " the current workspace was " + during.describeTeam();
                } else if (!guard.isTarget(after)) {
                    violation = "after reading " + span(group) + " the current workspace was " + after.describeTeam();
                }
            }
            if (violation == null) {
                violation = tripwire.conflict(guard.workspaceId, group);
            }
            if (violation == null && guard.fenced) {
                Set<Long> totals = new HashSet<>();
                group.forEach(p -> totals.add(p.total()));
                long total = group.get(0).total();
                boolean consistent = totals.size() == 1;
                Long expectedTotal = pass.expectedTotal;
                if (!totalsRecheck) {
                    if (!consistent || (expectedTotal != null && total != expectedTotal)) {
                        // meta.total is evidence too: a page of another workspace usually shows
                        // another total. The after-check cannot tell a real change from a foreign
                        // switch away and back within the group (a read-back may run ahead of the
                        // data), so re-establish the context in full (switch, settle, verify, flip)
                        // before re-reading: only a total seen after that counts as drift. Replies
                        // arriving mid-scan are rare, so the settle is paid only then.
                        log.debug("workspace {}: meta.total {} on {} (expected {}): re-establishing the context "
                                + "and re-reading", guard.workspaceId, totals, span(group), expectedTotal);
                        totalsRecheck = true;
                        carried = establish(next);
                        continue;
                    }
                } else if (!consistent) {
                    violation = "meta.total differs between pages of " + span(group) + " even on a re-read: "
                            + totals;
                } else if (expectedTotal != null && total == expectedTotal) {
                    guard.detectedAndRecovered("a first read of " + span(group) + " showed meta.total other than "
                            + expectedTotal);
                } else {
                    log.debug("workspace {}: meta.total moved from {} to {}: replies changed during the scan",
                            guard.workspaceId, expectedTotal, total);
                }
            }
            if (violation == null) {
                violation = pass.register(group);
            }
            totalsRecheck = false;
            if (violation != null) {
                guard.recordViolation(violation);
                if (guard.fenced) {
                    carried = establish(next);
                }
                continue;
            }
            guard.markRecovered();
            // The latest group's meta.last_page rules: it may grow (keep going) or shrink.
            lastPage = group.stream().mapToInt(RepliesPage::lastPage).max().orElse(lastPage);
            pass.accept(group, lastPage, options.listener());
            next = group.get(group.size() - 1).page() + 1;
            if (pass.catchUp != null && catchUpStops(group)) {
                pass.stoppedEarly = next <= lastPage;
                break;
            }
        }
    }

    /**
     * Judges an accepted group of a catch-up: on broken order, switches to a full scan (the
     * pages read so far stay accepted: they are proven, only their order was not as assumed).
     *
     * @return whether the catch-up is complete (a page of the group reached the threshold)
     */
    private boolean catchUpStops(List<RepliesPage> group) {
        String broken = pass.catchUp.check(group);
        if (broken != null) {
            pass.fallbackReason = broken;
            log.warn("workspace {} ({}) on {}: catch-up scan falls back to a full scan: {}", guard.workspaceId,
                    guard.name, config.instanceName(), broken);
            pass.catchUp = null;
            return false;
        }
        return group.stream().anyMatch(pass.catchUp::reaches);
    }

    /**
     * Reads one fence group of a catch-up: from {@code from}, in batches that double the pages
     * read so far in this scan (1, 1, 2, 4, ... up to {@code pageParallelism}), until a page holds
     * an id below the threshold, the group is full or the last page is read. Deciding on unproven
     * pages is safe: the decision only limits what is read; the group is judged again once proven.
     */
    private List<RepliesPage> readCatchUpGroup(int from, int knownLast, @Nullable RepliesPage carried) {
        List<RepliesPage> group = new ArrayList<>();
        int last = knownLast;
        if (carried != null) {
            group.add(carried);
            last = Math.max(last, carried.lastPage());
        }
        int groupEnd = from + config.fenceGroupSize() - 1;
        for (;;) {
            if (group.stream().anyMatch(pass.catchUp::reaches)) {
                return group;
            }
            int first = from + group.size();
            int to = Math.min(groupEnd, last < 0 ? first : last);
            if (first > to) {
                return group;
            }
            int batch = Math.max(1, Math.min(config.pageParallelism(), pass.pagesRead + group.size()));
            List<RepliesPage> read = pages.fetch(range(first, Math.min(to, first + batch - 1)));
            group.addAll(read);
            for (RepliesPage page : read) {
                last = Math.max(last, page.lastPage());
            }
        }
    }

    /**
     * Switches and proves the data endpoints followed: page {@code page} is read before the switch
     * (whatever the context is) and again after the verified switch; replies of two workspaces are
     * disjoint, so an overlap means the data still comes from before the switch (a server may
     * update the read-back before the data). Waits for the flip up to the verification budget;
     * data that never changes means the workspace was current already.
     */
    private RepliesPage establish(int page) {
        RepliesPage probe = pages.fetch(page);
        for (;;) {
            guard.switchAndVerify();
            long budget = config.verificationInterval().toNanos() * config.verificationAttempts();
            long until = context.nanoTime() + budget;
            CurrentUser other = null;
            for (int read = 1; ; read++) {
                RepliesPage after = pages.fetch(page);
                // While we wait for the data to follow the switch, the read-back is watched too: data
                // that changes during the wait may be another actor's switch away (and back) rather
                // than ours arriving late, and any change passes for the flip. The first read follows
                // the verification at once, so it needs no check of its own.
                if (read > 1) {
                    CurrentUser user = guard.check();
                    if (!guard.isTarget(user)) {
                        other = user;
                        break;
                    }
                }
                if (flipped(probe, after) || context.nanoTime() >= until) {
                    return after;
                }
                context.sleep(config.verificationInterval());
            }
            guard.recordViolation("while waiting for page " + page + " to follow the switch the current workspace"
                    + " was " + other.describeTeam());
        }
    }

    private static boolean flipped(RepliesPage before, RepliesPage after) {
        if (before.seen() == 0 && after.seen() == 0) {
            return before.total() != after.total();
        }
        if (before.seen() == 0 || after.seen() == 0) {
            return true;
        }
        Set<Long> ids = new HashSet<>();
        for (long id : before.replyIds()) {
            ids.add(id);
        }
        for (long id : after.replyIds()) {
            if (ids.contains(id)) {
                return false;
            }
        }
        return true;
    }

    private List<RepliesPage> readGroup(int from, int knownLast, @Nullable RepliesPage carried) {
        List<RepliesPage> group = new ArrayList<>();
        int last = knownLast;
        if (carried != null) {
            group.add(carried);
        } else if (last < 0) {
            group.add(pages.fetch(from));
        }
        if (!group.isEmpty()) {
            last = Math.max(last, group.get(0).lastPage());
        }
        int first = from + group.size();
        group.addAll(pages.fetch(range(first, Math.min(from + config.fenceGroupSize() - 1, last))));
        return group;
    }

    private static List<Integer> range(int first, int last) {
        List<Integer> numbers = new ArrayList<>();
        for (int p = first; p <= last; p++) {
            numbers.add(p);
        }
        return numbers;
    }

    /**
     * The scan's result: what the last (proven) pass accepted, and the violations of every pass.
     *
     * @param startedNanos when the scan started, on the client's {@link Timing}
     * @param mode         the key mode the workspace was read with
     */
    ScanResult result(long startedNanos, KeyMode mode) {
        String name = guard.name != null ? guard.name : nonNull(context.name(guard.workspaceId));
        ScanResult result = new ScanResult(config.instanceName(), guard.workspaceId, name, mode,
                new ArrayList<>(pass.replies.values()), pass.pagesRead, pass.repliesSeen,
                pass.totalAtStart == null ? 0 : pass.totalAtStart, pass.totalAtEnd, guard.detected, guard.recovered,
                !pass.stoppedEarly, Duration.ofNanos(context.nanoTime() - startedNanos), pass.highestReplyId,
                pass.fallbackReason, pass.totalFell);
        log.debug("scanned workspace {} ({}) on {}: {} pages{}, {} replies, {} interested, violations {}/{} in {} ms",
                guard.workspaceId, name, config.instanceName(), pass.pagesRead,
                pass.stoppedEarly ? " (catch-up stopped early)"
                        : pass.fallbackReason != null ? " (catch-up fell back)" : "",
                pass.repliesSeen, pass.replies.size(), guard.detected, guard.recovered, result.duration().toMillis());
        return result;
    }

    private static String nonNull(@Nullable String name) {
        return name == null ? "" : name;
    }

    private static String span(List<RepliesPage> group) {
        int first = group.get(0).page();
        int last = group.get(group.size() - 1).page();
        return first == last ? "page " + first : "pages " + first + "-" + last;
    }
}
