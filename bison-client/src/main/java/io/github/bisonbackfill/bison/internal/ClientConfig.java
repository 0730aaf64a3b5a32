package io.github.bisonbackfill.bison.internal;

import io.github.bisonbackfill.bison.ApiKeyStore;
import io.github.bisonbackfill.bison.SessionLock;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.jspecify.annotations.Nullable;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The validated, immutable settings of one client, as handed over by {@code BisonClient.Builder}.
 *
 * @param baseUri              the instance's base URL without {@code /api} and without a trailing slash
 * @param instanceName         label for messages and reports
 * @param workspaceKeys        per-workspace {@code api-user} keys
 * @param superAdminKey        the super-admin key, or {@code null}
 * @param attemptTimeout       bound of one HTTP attempt
 * @param callTimeout          bound of one call including retries and waits
 * @param maxAttempts          attempts per call, first included
 * @param retryBaseDelay       first backoff delay
 * @param retryMaxDelay        cap of computed backoff delays
 * @param requestsPerSecond    client-side rate limit per key
 * @param maxConcurrentRequests concurrent requests per key
 * @param switchSettleDelay    wait after a switch before the first verification
 * @param verificationAttempts read-backs after a switch before giving up
 * @param verificationInterval wait between read-backs
 * @param pageParallelism      pages fetched at once within a scan
 * @param fenceGroupSize       pages per fence under a super-admin key
 * @param maxContextRecoveries recovery rounds without progress per operation before giving up
 * @param contextRecoveryBudget time without progress per operation before giving up
 * @param contextRecoveryBaseDelay first wait before a recovery that follows a round without progress
 * @param contextRecoveryMaxDelay cap of those waits
 * @param keyStore             where api-user keys minted on demand are kept, or {@code null} (no minting)
 * @param replaceRejectedStoredKeys whether a stored key that answers 401 is replaced by a new one
 * @param sessionLock          the session lock
 * @param timing               the time and waits of the retry layer and the workspace context ({@link Timing#SYSTEM})
 * @param httpClientCustomizer called with the HttpClient builder before it is built
 */
public record ClientConfig(URI baseUri, String instanceName, Map<Long, ApiKey> workspaceKeys,
                           @Nullable ApiKey superAdminKey,
                           Duration attemptTimeout, Duration callTimeout, int maxAttempts,
                           Duration retryBaseDelay, Duration retryMaxDelay, double requestsPerSecond,
                           int maxConcurrentRequests, Duration switchSettleDelay, int verificationAttempts,
                           Duration verificationInterval, int pageParallelism, int fenceGroupSize,
                           int maxContextRecoveries, Duration contextRecoveryBudget,
                           Duration contextRecoveryBaseDelay, Duration contextRecoveryMaxDelay,
                           @Nullable ApiKeyStore keyStore, boolean replaceRejectedStoredKeys,
                           SessionLock sessionLock, Timing timing, Consumer<HttpClientBuilder> httpClientCustomizer) {
    public ClientConfig {
        workspaceKeys = Map.copyOf(workspaceKeys);
    }

    /** The instance's identity for session locks: the base URL, which two clients of one server share. */
    public String instanceIdentity() {
        return baseUri.toString();
    }

    @Override
    public String toString() {
        return "ClientConfig[baseUri=" + baseUri + ", instanceName=" + instanceName + ", workspaceKeys="
                + workspaceKeys.keySet() + ", superAdminKey=" + (superAdminKey == null ? "none" : "<redacted>") + ", keyStore=" + keyStore + "]";
    }
}
