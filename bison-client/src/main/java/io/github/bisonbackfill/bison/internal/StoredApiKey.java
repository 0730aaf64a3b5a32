package io.github.bisonbackfill.bison.internal;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of an {@link io.github.bisonbackfill.bison.ApiKeyStore}. {@link #toString()} never
 * reveals the key.
 *
 * @param instance    the instance's identity (its normalised base URL)
 * @param workspaceId the workspace id
 * @param key         the secret {@code api-user} key
 * @param createdAt   when the store saved it
 */
public record StoredApiKey(String instance, long workspaceId, String key, Instant createdAt) {

    /** Checks that no component is {@code null}. */
    public StoredApiKey {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Returns the entry's slot: its instance and workspace. */
    public Slot slot() {
        return new Slot(instance, workspaceId);
    }

    @Override
    public String toString() {
        return "StoredApiKey[instance=" + instance + ", workspaceId=" + workspaceId
                + ", key=<redacted>, createdAt=" + createdAt + "]";
    }

    /**
     * Where a key is stored: at most one per slot.
     *
     * @param instance    the instance's identity
     * @param workspaceId the workspace id
     */
    public record Slot(String instance, long workspaceId) {
        @Override
        public String toString() {
            return "workspace " + workspaceId + " of " + instance;
        }
    }
}
