package io.github.bisonbackfill.bison;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The second process of {@link FileApiKeyStoreTest}'s two-process race: waits until a start file
 * appears, then asks the store for a key for workspaces 1..N, minting slowly (like an HTTP call), and
 * prints {@code ws=<id> key=<key>} per workspace and {@code mints=<n>}. Its keys are fake.
 *
 * <p>Arguments: store file, instance, N, ready file (created when waiting), start file, tag.
 */
public final class KeyStoreRaceMain {
    private KeyStoreRaceMain() {
    }

    /**
     * Runs the race.
     *
     * @param args see the class comment
     * @throws Exception on any failure (the test then fails on the exit code)
     */
    public static void main(String[] args) throws Exception {
        ApiKeyStore store = ApiKeyStore.file(Path.of(args[0]));
        String instance = args[1];
        int workspaces = Integer.parseInt(args[2]);
        Path ready = Path.of(args[3]);
        Path start = Path.of(args[4]);
        String tag = args[5];

        Files.createFile(ready);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(start)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("start file " + start + " never appeared");
            }
            Thread.sleep(1);
        }
        StringBuilder out = new StringBuilder();
        AtomicInteger mints = race(store, instance, workspaces, tag, out);
        out.append("mints=").append(mints.get()).append('\n');
        System.out.print(out);
        System.out.flush();
    }

    /** Asks for keys of workspaces 1..N, counting own mints; appends {@code ws=.. key=..} lines. */
    static AtomicInteger race(ApiKeyStore store, String instance, int workspaces, String tag, StringBuilder out) {
        AtomicInteger mints = new AtomicInteger();
        for (long ws = 1; ws <= workspaces; ws++) {
            long id = ws;
            String key = store.getOrCreate(instance, id, () -> {
                mints.incrementAndGet();
                ApiKeyStoreTest.sleep(5);
                return id + "|" + tag + "MintedSecret" + System.nanoTime();
            });
            out.append("ws=").append(ws).append(" key=").append(key).append('\n');
        }
        return mints;
    }
}
