package io.github.bisonbackfill.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Receives progress of a backfill run. Every method has a no-op default: implement only what you
 * need. Calls come from the run's worker threads, possibly concurrently for different clients, so
 * implementations must be thread-safe; they should return quickly and must not throw (a run logs
 * and ignores a listener's exception).
 *
 * <pre>{@code
 * ProgressListener onFailure = new ProgressListener() {
 *     public void clientFinished(ProgressEvent.ClientFinished e) {
 *         if (e.report().outcome() == ClientOutcome.FAILED) alert(e.report());
 *     }
 * };
 * }</pre>
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NOOP = new ProgressListener() {
    };

    /** @param e the event */
    default void runStarted(ProgressEvent.RunStarted e) {
    }

    /** @param e the event */
    default void clientStarted(ProgressEvent.ClientStarted e) {
    }

    /** @param e the event */
    default void pageRead(ProgressEvent.PageRead e) {
    }

    /** @param e the event */
    default void batchWritten(ProgressEvent.BatchWritten e) {
    }

    /** @param e the event */
    default void clientWarning(ProgressEvent.ClientWarning e) {
    }

    /** @param e the event */
    default void clientFinished(ProgressEvent.ClientFinished e) {
    }

    /** @param e the event */
    default void runFinished(ProgressEvent.RunFinished e) {
    }

    /**
     * Routes any event to the matching method. The orchestrator emits every event through this
     * method, so a listener that records all events generically needs to override only this one.
     *
     * @param e the event
     */
    default void on(ProgressEvent e) {
        if (e instanceof ProgressEvent.RunStarted x) {
            runStarted(x);
        } else if (e instanceof ProgressEvent.ClientStarted x) {
            clientStarted(x);
        } else if (e instanceof ProgressEvent.PageRead x) {
            pageRead(x);
        } else if (e instanceof ProgressEvent.BatchWritten x) {
            batchWritten(x);
        } else if (e instanceof ProgressEvent.ClientWarning x) {
            clientWarning(x);
        } else if (e instanceof ProgressEvent.ClientFinished x) {
            clientFinished(x);
        } else if (e instanceof ProgressEvent.RunFinished x) {
            runFinished(x);
        }
    }

    /**
     * A listener that forwards each event to every given listener in order; an exception from one is
     * logged at WARN and does not stop the others.
     *
     * @param listeners the listeners
     * @return the combined listener
     */
    static ProgressListener composite(List<? extends ProgressListener> listeners) {
        List<ProgressListener> copy = List.copyOf(listeners);
        Logger log = LoggerFactory.getLogger(ProgressListener.class);
        return new ProgressListener() {
            @Override
            public void on(ProgressEvent e) {
                for (ProgressListener l : copy) {
                    try {
                        l.on(e);
                    } catch (RuntimeException ex) {
                        log.warn("progress listener {} failed on {}: {}", l.getClass().getName(),
                                e.getClass().getSimpleName(), ex.toString());
                    }
                }
            }

            @Override
            public void runStarted(ProgressEvent.RunStarted e) {
                on(e);
            }

            @Override
            public void clientStarted(ProgressEvent.ClientStarted e) {
                on(e);
            }

            @Override
            public void pageRead(ProgressEvent.PageRead e) {
                on(e);
            }

            @Override
            public void batchWritten(ProgressEvent.BatchWritten e) {
                on(e);
            }

            @Override
            public void clientWarning(ProgressEvent.ClientWarning e) {
                on(e);
            }

            @Override
            public void clientFinished(ProgressEvent.ClientFinished e) {
                on(e);
            }

            @Override
            public void runFinished(ProgressEvent.RunFinished e) {
                on(e);
            }
        };
    }
}
