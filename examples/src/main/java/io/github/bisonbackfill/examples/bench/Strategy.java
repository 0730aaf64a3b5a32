package io.github.bisonbackfill.examples.bench;

/** The ways of backfilling the same workload that the benchmark compares. */
enum Strategy {
    /** The production seed's procedure ({@code examples.seed.SeedProcedure}), one client at a time, with its sleeps. */
    SEED("seed procedure"),
    /** {@code BackfillOrchestrator} with one super-admin key (verified switches), library defaults. */
    SUPER_ADMIN("library, super-admin key"),
    /** {@code BackfillOrchestrator} with one api-user key per workspace, library defaults. */
    WORKSPACE_KEYS("library, per-workspace keys"),
    /**
     * {@code BackfillOrchestrator} with one super-admin key and a cold key store: each workspace's
     * api-user key is minted (no switching) and saved on first use, then read like per-workspace keys.
     */
    KEY_STORE("library, super-admin key + key store (cold)");

    final String label;

    Strategy(String label) {
        this.label = label;
    }
}
