package io.github.bisonbackfill.bison.internal;

import org.jspecify.annotations.Nullable;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * {@link io.github.bisonbackfill.bison.ApiKeyStore#inMemory()}: keys in an immutable map replaced
 * under one lock per store, so reads need no lock and minting is serialised.
 */
public final class InMemoryApiKeyStore extends AbstractApiKeyStore {
    private final ReentrantLock lock = new ReentrantLock(true);
    private volatile Map<StoredApiKey.Slot, StoredApiKey> keys = Map.of();

    /** Creates an empty store. */
    public InMemoryApiKeyStore() {
        this(Clock.systemUTC());
    }

    /**
     * Creates an empty store with a clock for {@code createdAt}.
     *
     * @param clock the clock
     */
    public InMemoryApiKeyStore(Clock clock) {
        super(clock);
    }

    @Override
    Map<StoredApiKey.Slot, StoredApiKey> read() {
        return keys;
    }

    @Override
    void write(Map<StoredApiKey.Slot, StoredApiKey> next) {
        keys = Map.copyOf(next);
    }

    @Override
    <T> T exclusive(Supplier<T> action) {
        enter(lock, this);
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    @Nullable Path fileForMessages() {
        return null;
    }

    @Override
    public String toString() {
        int n = keys.size();
        return "ApiKeyStore.inMemory(" + n + (n == 1 ? " key)" : " keys)");
    }
}
