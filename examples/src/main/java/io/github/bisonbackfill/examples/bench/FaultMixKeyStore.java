package io.github.bisonbackfill.examples.bench;

import io.github.bisonbackfill.bison.ApiKeyStore;
import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.core.ClientReport;

/** The parts of {@link FaultMixBenchmark} that need this version's API (key store, attempts). */
final class FaultMixKeyStore {
    private FaultMixKeyStore() {
    }

    /** A cold in-memory key store: every workspace's key is minted on first use. */
    static void coldStore(BisonClient.Builder client) {
        client.keyStore(ApiKeyStore.inMemory());
    }

    /** The attempts a client took in the run. */
    static int attempts(ClientReport report) {
        return report.attempts();
    }
}
