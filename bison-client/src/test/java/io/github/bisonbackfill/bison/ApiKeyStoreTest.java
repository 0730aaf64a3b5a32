package io.github.bisonbackfill.bison;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link ApiKeyStore} contract, run against both built-in stores: at most one key per workspace,
 * minted once, saved before it is returned, replaced only when it is still the rejected one, and
 * never shown in {@code toString()} or a message.
 */
@Timeout(60)
class ApiKeyStoreTest {
    static final String INSTANCE = "https://send.agency.example";
    static final String OTHER_INSTANCE = "https://send.other.example";

    @TempDir
    static Path dir;

    // One new file per store: the temporary directory is shared by every test of the class.
    private static final AtomicInteger FILES = new AtomicInteger();

    static Stream<Arguments> stores() {
        Supplier<ApiKeyStore> memory = ApiKeyStore::inMemory;
        Supplier<ApiKeyStore> file = () -> ApiKeyStore.file(dir.resolve("keys-" + FILES.incrementAndGet() + ".json"));
        return Stream.of(Arguments.of("inMemory", memory), Arguments.of("file", file));
    }

    /** A mint that counts its calls and returns a new token-shaped key each time. */
    static final class CountingMint implements Supplier<String> {
        final AtomicInteger calls = new AtomicInteger();
        final String prefix;

        CountingMint(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public String get() {
            return calls.incrementAndGet() + "|" + prefix + "Secret" + calls.get() + "xxxxxxxx";
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void getOrCreate_mintsOnce_thenReturnsTheStoredKey(String name, Supplier<ApiKeyStore> stores) {
        ApiKeyStore store = stores.get();
        CountingMint mint = new CountingMint("Once");

        assertThat(store.find(INSTANCE, 37)).isEmpty();
        String first = store.getOrCreate(INSTANCE, 37, mint);
        String second = store.getOrCreate(INSTANCE, 37, mint);

        assertThat(mint.calls).hasValue(1);
        assertThat(second).isEqualTo(first);
        assertThat(store.find(INSTANCE, 37)).contains(first);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void keys_areScopedByInstanceAndWorkspace(String name, Supplier<ApiKeyStore> stores) {
        ApiKeyStore store = stores.get();
        CountingMint mint = new CountingMint("Scoped");

        String k37 = store.getOrCreate(INSTANCE, 37, mint);
        String k38 = store.getOrCreate(INSTANCE, 38, mint);
        String other37 = store.getOrCreate(OTHER_INSTANCE, 37, mint);

        assertThat(mint.calls).hasValue(3);
        assertThat(Set.of(k37, k38, other37)).hasSize(3);
        assertThat(store.find(INSTANCE, 37)).contains(k37);
        assertThat(store.find(INSTANCE, 38)).contains(k38);
        assertThat(store.find(OTHER_INSTANCE, 37)).contains(other37);
        assertThat(store.find(OTHER_INSTANCE, 38)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void getOrCreate_from8Threads_mintsExactlyOnce(String name, Supplier<ApiKeyStore> stores) throws Exception {
        ApiKeyStore store = stores.get();
        AtomicInteger calls = new AtomicInteger();
        Supplier<String> slowMint = () -> {
            calls.incrementAndGet();
            sleep(50); // a real mint is an HTTP call: the other threads arrive while it runs
            return "7|RacedSecret" + System.nanoTime();
        };

        List<String> keys = race(8, () -> store.getOrCreate(INSTANCE, 37, slowMint));

        assertThat(calls).hasValue(1);
        assertThat(Set.copyOf(keys)).hasSize(1);
        assertThat(store.find(INSTANCE, 37)).contains(keys.get(0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void getOrCreate_whenMintThrows_storesNothing_andPropagatesTheException(String name,
                                                                            Supplier<ApiKeyStore> stores) {
        ApiKeyStore store = stores.get();
        RuntimeException boom = new BisonServerException("mint failed", "POST /api/workspaces/v1.1/37/api-tokens",
                500, "", 1);

        assertThatThrownBy(() -> store.getOrCreate(INSTANCE, 37, () -> {
            throw boom;
        })).isSameAs(boom);

        assertThat(store.find(INSTANCE, 37)).isEmpty();
        CountingMint mint = new CountingMint("AfterFailure");
        assertThat(store.getOrCreate(INSTANCE, 37, mint)).isEqualTo("1|AfterFailureSecret1xxxxxxxx");
        assertThat(mint.calls).hasValue(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void getOrCreate_whenMintReturnsNoKey_failsAndStoresNothing(String name, Supplier<ApiKeyStore> stores) {
        ApiKeyStore store = stores.get();

        assertThatThrownBy(() -> store.getOrCreate(INSTANCE, 37, () -> " "))
                .isInstanceOf(ApiKeyStoreException.class).hasMessageContaining("workspace 37")
                .hasMessageContaining("nothing was stored");
        assertThatThrownBy(() -> store.getOrCreate(INSTANCE, 37, () -> null))
                .isInstanceOf(ApiKeyStoreException.class);
        assertThat(store.find(INSTANCE, 37)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void replace_replacesOnlyTheRejectedKey(String name, Supplier<ApiKeyStore> stores) {
        ApiKeyStore store = stores.get();
        CountingMint mint = new CountingMint("Replace");
        String original = store.getOrCreate(INSTANCE, 37, mint);
        String neighbour = store.getOrCreate(INSTANCE, 38, mint);

        String replacement = store.replace(INSTANCE, 37, original, mint);
        assertThat(replacement).isNotEqualTo(original);
        assertThat(mint.calls).hasValue(3);
        assertThat(store.find(INSTANCE, 37)).contains(replacement);

        // A second caller that saw the same 401 finds the key replaced already: no second mint.
        assertThat(store.replace(INSTANCE, 37, original, mint)).isEqualTo(replacement);
        assertThat(mint.calls).hasValue(3);
        assertThat(store.find(INSTANCE, 37)).contains(replacement);
        assertThat(store.find(INSTANCE, 38)).contains(neighbour);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void replace_from8ThreadsWithTheSameRejectedKey_mintsExactlyOnce(String name, Supplier<ApiKeyStore> stores)
            throws Exception {
        ApiKeyStore store = stores.get();
        String rejected = store.getOrCreate(INSTANCE, 37, () -> "1|RejectedSecret12345");
        AtomicInteger calls = new AtomicInteger();
        Supplier<String> slowMint = () -> {
            calls.incrementAndGet();
            sleep(50);
            return "2|ReplacementSecret" + System.nanoTime();
        };

        List<String> keys = race(8, () -> store.replace(INSTANCE, 37, rejected, slowMint));

        assertThat(calls).hasValue(1);
        assertThat(Set.copyOf(keys)).hasSize(1).doesNotContain(rejected);
        assertThat(store.find(INSTANCE, 37)).contains(keys.get(0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void replace_whenNothingIsStored_mintsAndStores(String name, Supplier<ApiKeyStore> stores) {
        ApiKeyStore store = stores.get();
        String key = store.replace(INSTANCE, 37, "1|GoneSecret12345678", () -> "2|FreshSecret12345678");

        assertThat(key).isEqualTo("2|FreshSecret12345678");
        assertThat(store.find(INSTANCE, 37)).contains(key);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void replace_whenMintThrows_keepsTheRejectedKey(String name, Supplier<ApiKeyStore> stores) {
        ApiKeyStore store = stores.get();
        String rejected = store.getOrCreate(INSTANCE, 37, () -> "1|RejectedSecret12345");

        assertThatThrownBy(() -> store.replace(INSTANCE, 37, rejected, () -> {
            throw new IllegalStateException("no super-admin key");
        })).isInstanceOf(IllegalStateException.class).hasMessage("no super-admin key");
        assertThat(store.find(INSTANCE, 37)).contains(rejected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aMintThatCallsTheSameStore_isRefused_andNothingIsStored(String name, Supplier<ApiKeyStore> stores) {
        ApiKeyStore store = stores.get();

        assertThatThrownBy(() -> store.getOrCreate(INSTANCE, 37,
                () -> store.getOrCreate(INSTANCE, 38, () -> "1|InnerSecret12345678")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("must not call the store");
        assertThat(store.find(INSTANCE, 37)).isEmpty();
        assertThat(store.find(INSTANCE, 38)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void invalidArguments_areRefused(String name, Supplier<ApiKeyStore> stores) {
        ApiKeyStore store = stores.get();
        Supplier<String> mint = () -> "1|NeverSecret12345678";

        assertThatThrownBy(() -> store.find(" ", 37)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("instance");
        assertThatThrownBy(() -> store.find(null, 37)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.getOrCreate(INSTANCE, 0, mint)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workspaceId");
        assertThatThrownBy(() -> store.getOrCreate(INSTANCE, 37, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.replace(INSTANCE, 37, null, mint)).isInstanceOf(NullPointerException.class);
        assertThat(store.find(INSTANCE, 37)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void toString_showsTheNumberOfKeys_neverAKey(String name, Supplier<ApiKeyStore> stores) {
        ApiKeyStore store = stores.get();
        String k37 = store.getOrCreate(INSTANCE, 37, () -> "5|ToStringSecret37abcdef");
        String k38 = store.getOrCreate(INSTANCE, 38, () -> "6|ToStringSecret38abcdef");

        assertThat(store.toString()).contains("2 keys").doesNotContain(k37).doesNotContain(k38)
                .doesNotContain("ToStringSecret");
    }

    /** Runs {@code call} on {@code threads} threads released at once; returns their results. */
    static List<String> race(int threads, Supplier<String> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return call.get();
                }));
            }
            ready.await();
            go.countDown();
            List<String> out = new ArrayList<>();
            for (Future<String> f : futures) {
                out.add(f.get(30, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
