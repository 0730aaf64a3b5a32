package io.github.bisonbackfill.bison.simulator.internal;

import io.github.bisonbackfill.bison.simulator.RecordedRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/** A bounded, thread-safe log of served requests (oldest dropped first). */
public final class RequestLog {
    private final ConcurrentLinkedDeque<RecordedRequest> entries = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;

    /**
     * @param capacity the most entries kept
     */
    public RequestLog(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Appends an entry.
     *
     * @param entry the entry
     */
    public void add(RecordedRequest entry) {
        entries.addLast(entry);
        if (size.incrementAndGet() > capacity && entries.pollFirst() != null) {
            size.decrementAndGet();
        }
    }

    /** @return a snapshot, oldest first */
    public List<RecordedRequest> snapshot() {
        return List.copyOf(new ArrayList<>(entries));
    }

    /** Empties the log. */
    public void clear() {
        entries.clear();
        size.set(0);
    }
}
