package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.ApiKeyStore;
import io.github.bisonbackfill.bison.ApiKeyStoreException;
import org.jspecify.annotations.Nullable;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The one implementation of the store's rules (look up, re-check inside the exclusive section, mint
 * once, save before returning, replace only the rejected key). Subclasses say only where the keys
 * live and how the exclusive section is entered.
 */
abstract class AbstractApiKeyStore implements ApiKeyStore {
    private final Clock clock;

    AbstractApiKeyStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Returns the current keys; a consistent snapshot, callable without the exclusive section. */
    abstract Map<StoredApiKey.Slot, StoredApiKey> read();

    /** Saves {@code keys} in place of the current ones; called only inside {@link #exclusive}. */
    abstract void write(Map<StoredApiKey.Slot, StoredApiKey> keys);

    /** Runs {@code action} inside the store's exclusive section (threads and, if any, processes). */
    abstract <T> T exclusive(Supplier<T> action);

    /** Returns the file named in exceptions, or {@code null}. */
    abstract @Nullable Path fileForMessages();

    @Override
    public final Optional<String> find(String instance, long workspaceId) {
        StoredApiKey stored = read().get(slot(instance, workspaceId));
        return Optional.ofNullable(stored).map(StoredApiKey::key);
    }

    @Override
    public final String getOrCreate(String instance, long workspaceId, Supplier<String> mint) {
        StoredApiKey.Slot slot = slot(instance, workspaceId);
        Objects.requireNonNull(mint, "mint");
        StoredApiKey stored = read().get(slot);
        if (stored != null) {
            return stored.key();
        }
        return exclusive(() -> {
            // Another thread or process may have minted while this one waited for the lock.
            Map<StoredApiKey.Slot, StoredApiKey> keys = read();
            StoredApiKey now = keys.get(slot);
            return now != null ? now.key() : mintAndSave(keys, slot, mint);
        });
    }

    @Override
    public final String replace(String instance, long workspaceId, String rejectedKey, Supplier<String> mint) {
        StoredApiKey.Slot slot = slot(instance, workspaceId);
        Objects.requireNonNull(rejectedKey, "rejectedKey");
        Objects.requireNonNull(mint, "mint");
        return exclusive(() -> {
            Map<StoredApiKey.Slot, StoredApiKey> keys = read();
            StoredApiKey now = keys.get(slot);
            if (now != null && !now.key().equals(rejectedKey)) {
                return now.key();
            }
            return mintAndSave(keys, slot, mint);
        });
    }

    private String mintAndSave(Map<StoredApiKey.Slot, StoredApiKey> current, StoredApiKey.Slot slot,
                               Supplier<String> mint) {
        String key = mint.get();
        if (key == null || key.isBlank()) {
            throw new ApiKeyStoreException("minting a key for " + slot + " returned no key; nothing was stored",
                    fileForMessages(), null);
        }
        Map<StoredApiKey.Slot, StoredApiKey> next = new LinkedHashMap<>(current);
        next.put(slot, new StoredApiKey(slot.instance(), slot.workspaceId(), key, clock.instant()));
        try {
            write(next);
        } catch (ApiKeyStoreException e) {
            throw new ApiKeyStoreException(e.getMessage() + ". A key minted for " + slot
                    + " could not be saved: it exists in Email Bison but not in the store; delete it in the"
                    + " Email Bison web UI (API tokens of that workspace)", fileForMessages(), e.getCause());
        }
        return key;
    }

    /**
     * Enters {@code lock} for the exclusive section, refusing a nested entry from a mint (an OS file
     * lock is per process, so a nested entry would fail or deadlock further down).
     */
    static void enter(ReentrantLock lock, Object store) {
        if (lock.isHeldByCurrentThread()) {
            throw new IllegalStateException(store + " is already locked by this thread: a mint must not call"
                    + " the store it mints for");
        }
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiKeyStoreException("interrupted while waiting for the lock of " + store, null, e);
        }
    }

    private static StoredApiKey.Slot slot(String instance, long workspaceId) {
        Objects.requireNonNull(instance, "instance");
        if (instance.isBlank()) {
            throw new IllegalArgumentException("instance is blank: pass the client's normalised base URL");
        }
        if (workspaceId <= 0) {
            throw new IllegalArgumentException("workspaceId must be > 0, was " + workspaceId);
        }
        return new StoredApiKey.Slot(instance, workspaceId);
    }
}
