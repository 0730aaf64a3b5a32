package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.KeyMode;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.ScanOptions;
import io.github.bisonbackfill.bison.ScanResult;
import io.github.bisonbackfill.core.internal.Lanes;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The orchestrator's Email Bison side: the registered instances and how a client's workspace is read
 * (the scan permits of its lane, page events, a second pass when replies vanished mid-scan).
 */
final class Workspaces {
    private static final Logger LOG = LoggerFactory.getLogger(BackfillOrchestrator.class);

    /** A registered instance: its name, client and base URL (for inbox links). */
    record Binding(String name, BisonClient client, URI baseUrl) {
    }

    private final Map<String, Binding> instances;
    private final ProgressListener listener;
    private final Clock clock;

    Workspaces(Map<String, Binding> instances, ProgressListener listener, Clock clock) {
        this.instances = Map.copyOf(instances);
        this.listener = listener;
        this.clock = clock;
    }

    /** @return the registered instance names, sorted */
    Set<String> names() {
        return new TreeSet<>(instances.keySet());
    }

    /** @return how many instances are registered */
    int size() {
        return instances.size();
    }

    BisonClient client(ClientSpec spec) {
        return instances.get(spec.instance()).client();
    }

    URI baseUrl(ClientSpec spec) {
        return instances.get(spec.instance()).baseUrl();
    }

    /** Refuses a plan naming an instance that is not registered, before any request. */
    void validate(BackfillPlan plan) {
        List<String> problems = new ArrayList<>();
        for (ClientSpec c : plan.clients()) {
            if (!instances.containsKey(c.instance())) {
                problems.add("client '" + c.name() + "' names unknown instance '" + c.instance() + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid backfill plan: " + String.join("; ", problems)
                    + " (configured instances: " + names() + ")");
        }
    }

    /**
     * Scans the client's workspace; an api-user-key scan takes one of the lane's permits, a
     * super-admin scan is serialised by the client's session lock instead.
     */
    ScanResult scan(ClientSpec spec, Lanes.Lane lane, ScanOptions.Builder options, boolean withProgress) {
        BisonClient client = client(spec);
        ClientKey key = spec.key();
        if (withProgress) {
            AtomicInteger interested = new AtomicInteger();
            options.listener(p -> listener.on(new ProgressEvent.PageRead(key, p.page(), p.lastPage(),
                    interested.addAndGet(p.interestedOnPage()), clock.instant())));
        }
        if (client.keyModeFor(spec.workspaceId()) == KeyMode.SUPER_ADMIN_SWITCHING) {
            // Serialised by the client's session lock; a permit here would only idle api-key lanes.
            return client.scanInterestedReplies(spec.workspaceId(), options.build());
        }
        Semaphore permits = lane.scanPermits();
        permits.acquireUninterruptibly();
        try {
            return client.scanInterestedReplies(spec.workspaceId(), options.build());
        } finally {
            permits.release();
        }
    }

    /**
     * A scan whose {@code meta.total} fell may have missed a reply: one that vanished shifts a later
     * reply onto a page already read. Reads the workspace once more and keeps every reply either pass
     * saw (a reply is missed now only if shifted past in both passes). The merged result counts both
     * passes; its totals and drift are the second pass's, which is warned about if its total fell too.
     */
    ScanResult readAgainAndMerge(ClientSpec spec, Lanes.Lane lane, ScanOptions.Builder options, ScanResult first) {
        LOG.debug("{}: meta.total moved {} -> {} during the scan; reading the workspace again", spec.key(),
                first.totalAtStart(), first.totalAtEnd());
        ScanResult second = scan(spec, lane, options, false);
        Map<Long, Reply> union = new LinkedHashMap<>();
        for (Reply r : first.replies()) {
            union.put(r.id(), r);
        }
        for (Reply r : second.replies()) {
            union.putIfAbsent(r.id(), r);
        }
        return new ScanResult(second.instance(), second.workspaceId(), second.workspaceName(), second.keyMode(),
                new ArrayList<>(union.values()), first.pagesRead() + second.pagesRead(),
                first.repliesSeen() + second.repliesSeen(), second.totalAtStart(), second.totalAtEnd(),
                first.violationsDetected() + second.violationsDetected(),
                first.violationsRecovered() + second.violationsRecovered(), first.fullScan() && second.fullScan(),
                first.duration().plus(second.duration()), Math.max(first.highestReplyId(), second.highestReplyId()),
                second.fallbackReason() != null ? second.fallbackReason() : first.fallbackReason(),
                second.totalFell());
    }

    /** Email Bison's {@code interested} statistic of the days, or {@code null} (logged) when unavailable. */
    @Nullable Long interestedStat(ClientSpec spec, LocalDate first, LocalDate last) {
        try {
            return client(spec).stats(spec.workspaceId(), first, last).interested();
        } catch (RuntimeException e) {
            // Informational only: the comparison stands without it.
            LOG.warn("Email Bison stats of {} for {}..{} unavailable: {}", spec.key(), first, last,
                    ErrorInfo.from(e).message());
            return null;
        }
    }
}
