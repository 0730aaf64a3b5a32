package io.github.bisonbackfill.bison;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.github.bisonbackfill.bison.ApiKeyStoreTest.INSTANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * What only the file store promises: its format, a view shared by store objects and processes,
 * owner-only permissions, atomic replacement, and refusing (never overwriting) a file it must not
 * use, all without a key in any message.
 */
@Timeout(60)
class FileApiKeyStoreTest {
    private static final String SECRET = "12|StoredSecretValue0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aNewStoreOnTheSameFile_seesTheKey_withoutMinting() {
        Path file = dir.resolve("keys.json");
        String key = ApiKeyStore.file(file).getOrCreate(INSTANCE, 37, () -> SECRET);

        ApiKeyStore later = ApiKeyStore.file(file);
        AtomicInteger mints = new AtomicInteger();
        assertThat(later.getOrCreate(INSTANCE, 37, () -> "13|Again" + mints.incrementAndGet() + "xxxxxxxx"))
                .isEqualTo(key).isEqualTo(SECRET);
        assertThat(later.find(INSTANCE, 37)).contains(SECRET);
        assertThat(mints).hasValue(0);
    }

    @Test
    void file_isTheDocumentedVersion1Format() throws Exception {
        Path file = dir.resolve("keys.json");
        ApiKeyStore store = ApiKeyStore.file(file);
        Instant before = Instant.now();
        store.getOrCreate("https://b.example", 5, () -> "3|SecondInstanceSecret99");
        store.getOrCreate(INSTANCE, 38, () -> "2|ThirtyEightSecret999");
        store.getOrCreate(INSTANCE, 37, () -> SECRET);

        JsonNode root = JSON.readTree(file.toFile());
        assertThat(root.get("version").intValue()).isEqualTo(1);
        assertThat(root.get("keys")).hasSize(3);
        JsonNode first = root.get("keys").get(0);
        assertThat(first.get("instance").asText()).isEqualTo("https://b.example");
        assertThat(first.get("workspaceId").longValue()).isEqualTo(5);
        assertThat(first.get("key").asText()).isEqualTo("3|SecondInstanceSecret99");
        assertThat(Instant.parse(first.get("createdAt").asText())).isBetween(before, Instant.now());
        // Sorted by instance, then workspace.
        assertThat(root.get("keys").get(1).get("workspaceId").longValue()).isEqualTo(37);
        assertThat(root.get("keys").get(2).get("workspaceId").longValue()).isEqualTo(38);
        assertThat(root.get("keys").get(1).fieldNames()).toIterable()
                .containsExactly("instance", "workspaceId", "key", "createdAt");
    }

    @Test
    void aHandWrittenFile_isRead() throws Exception {
        Path file = ownerOnly(dir.resolve("keys.json"), """
                {"version": 1, "keys": [
                  {"instance": "https://send.agency.example", "workspaceId": 37, "key": "12|StoredSecretValue0123456789",
                   "createdAt": "2026-11-30T16:20:05Z"}]}
                """);

        ApiKeyStore store = ApiKeyStore.file(file);
        assertThat(store.find(INSTANCE, 37)).contains(SECRET);
        assertThat(store.getOrCreate(INSTANCE, 37, () -> fail("must not mint"))).isEqualTo(SECRET);
    }

    @Test
    void emptyFile_isAnEmptyStore() throws Exception {
        Path file = ownerOnly(dir.resolve("keys.json"), "  \n");
        ApiKeyStore store = ApiKeyStore.file(file);

        assertThat(store.find(INSTANCE, 37)).isEmpty();
        store.getOrCreate(INSTANCE, 37, () -> SECRET);
        assertThat(ApiKeyStore.file(file).find(INSTANCE, 37)).contains(SECRET);
    }

    @Test
    void fileLockFileAndMissingDirectories_areCreatedOwnerOnly() throws Exception {
        Path file = dir.resolve("a/b/keys.json");
        ApiKeyStore store = ApiKeyStore.file(file);
        assertThat(file.getParent()).doesNotExist();

        store.getOrCreate(INSTANCE, 37, () -> SECRET);

        assertThat(permissions(file)).isEqualTo("rw-------");
        assertThat(permissions(dir.resolve("a/b/keys.json.lock"))).isEqualTo("rw-------");
        assertThat(permissions(dir.resolve("a/b"))).isEqualTo("rwx------");
        assertThat(permissions(dir.resolve("a"))).isEqualTo("rwx------");
    }

    @Test
    void everyUpdate_replacesTheFileAtomically_leavingNoTemporaryFiles() throws Exception {
        Path file = dir.resolve("keys.json");
        ApiKeyStore store = ApiKeyStore.file(file);
        Object firstInode = null;
        for (long ws = 1; ws <= 5; ws++) {
            long id = ws;
            store.getOrCreate(INSTANCE, id, () -> id + "|AtomicSecret" + id + "abcdefgh");
            Object inode = Files.readAttributes(file, "unix:ino").get("ino");
            assertThat(inode).isNotEqualTo(firstInode); // a new file moved in, not the old one rewritten
            firstInode = inode;
            assertThat(permissions(file)).isEqualTo("rw-------");
        }
        store.replace(INSTANCE, 3, "3|AtomicSecret3abcdefgh", () -> "9|ReplacedSecret3abcdefgh");

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("keys.json", "keys.json.lock");
        }
        assertThat(ApiKeyStore.file(file).find(INSTANCE, 3)).contains("9|ReplacedSecret3abcdefgh");
        assertThat(JSON.readTree(file.toFile()).get("keys")).hasSize(5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r--r--", "rw-rw----", "rw----r--", "rw-----w-"})
    void aFileOthersCanReadOrWrite_isRefused_untouched_withTheFix(String mode) throws Exception {
        Path file = ownerOnly(dir.resolve("keys.json"), validFile(SECRET));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        byte[] before = Files.readAllBytes(file);
        ApiKeyStore store = ApiKeyStore.file(file);

        for (Runnable call : everyCall(store)) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiKeyStoreException.class, e -> {
                assertThat(e.getMessage()).startsWith("key store " + file + " can be ")
                        .contains("(mode " + mode + ")").contains("chmod 600 " + file)
                        .doesNotContain(SECRET).doesNotContain("StoredSecret");
                assertThat(e.file()).contains(file);
            });
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(permissions(file)).isEqualTo(mode);
        assertThat(store.toString()).doesNotContain("StoredSecret");
    }

    @Test
    void aLockFileOthersCanWrite_isRefused_beforeMinting() throws Exception {
        Path file = dir.resolve("keys.json");
        Path lock = dir.resolve("keys.json.lock");
        Files.createFile(lock, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-")));
        Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-rw-rw-"));

        assertThatThrownBy(() -> ApiKeyStore.file(file).getOrCreate(INSTANCE, 37, () -> fail("must not mint")))
                .isInstanceOf(ApiKeyStoreException.class).hasMessageContaining(lock.toString())
                .hasMessageContaining("chmod 600 " + lock);
        assertThat(file).doesNotExist();
    }

    @Test
    void aSymbolicLink_isRefused() throws Exception {
        Path real = ownerOnly(dir.resolve("real.json"), validFile(SECRET));
        Path link = Files.createSymbolicLink(dir.resolve("keys.json"), real);

        assertThatThrownBy(() -> ApiKeyStore.file(link).find(INSTANCE, 37))
                .isInstanceOf(ApiKeyStoreException.class).hasMessageContaining("symbolic link")
                .hasMessageNotContaining(SECRET);
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"version\": 1, \"keys\": [{\"instance\": \"https://send.agency.example\", \"workspaceId\": 37, "
                    + "\"key\": \"12|StoredSecretValue0123456789\"",
            "12|StoredSecretValue0123456789",
            "{\"version\": 1, \"keys\": [12|StoredSecretValue0123456789]}",
            "[\"12|StoredSecretValue0123456789\"]",
            "{\"version\": 2, \"keys\": []}",
            "{\"keys\": [{\"instance\": \"https://send.agency.example\", \"workspaceId\": 37,"
                    + " \"key\": \"12|StoredSecretValue0123456789\", \"createdAt\": \"2026-11-30T16:20:05Z\"}]}",
            "{\"version\": 1, \"keys\": [{\"instance\": \"https://send.agency.example\", \"workspaceId\": 37,"
                    + " \"key\": \"12|StoredSecretValue0123456789\", \"createdAt\": \"yesterday\"}]}",
            "{\"version\": 1, \"keys\": [{\"instance\": \"https://send.agency.example\", \"workspaceId\": \"37\","
                    + " \"key\": \"12|StoredSecretValue0123456789\", \"createdAt\": \"2026-11-30T16:20:05Z\"}]}",
            "{\"version\": 1, \"keys\": [{\"instance\": \"https://send.agency.example\", \"workspaceId\": 37,"
                    + " \"12|StoredSecretValue0123456789\": true, \"createdAt\": \"2026-11-30T16:20:05Z\"}]}",
            "{\"version\": 1, \"keys\": [{\"instance\": \"https://send.agency.example\", \"workspaceId\": 37,"
                    + " \"key\": \"12|StoredSecretValue0123456789\", \"key\": \"12|StoredSecretValue0123456789\","
                    + " \"createdAt\": \"2026-11-30T16:20:05Z\"}]}",
            "{\"version\": 1, \"keys\": [], \"extra\": \"12|StoredSecretValue0123456789\"} trailing",
    })
    void aCorruptFile_failsClearly_withoutKeyMaterial_andIsNeverOverwritten(String content) throws Exception {
        Path file = ownerOnly(dir.resolve("keys.json"), content);
        byte[] before = Files.readAllBytes(file);
        ApiKeyStore store = ApiKeyStore.file(file);

        for (Runnable call : everyCall(store)) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiKeyStoreException.class, e -> {
                assertThat(e.getMessage()).startsWith("key store " + file + " ").contains("left untouched");
                assertNoSecretInChain(e);
            });
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void twoEntriesForOneWorkspace_areReported_withoutEitherKey() throws Exception {
        String entry = "{\"instance\": \"https://send.agency.example\", \"workspaceId\": 37, \"key\": \"%s\","
                + " \"createdAt\": \"2026-11-30T16:20:05Z\"}";
        Path file = ownerOnly(dir.resolve("keys.json"), "{\"version\": 1, \"keys\": [" + entry.formatted(SECRET)
                + ", " + entry.formatted("13|OtherSecretValue0123456789") + "]}");

        assertThatThrownBy(() -> ApiKeyStore.file(file).find(INSTANCE, 37))
                .isInstanceOfSatisfying(ApiKeyStoreException.class, e -> {
                    assertThat(e.getMessage()).contains("two keys for workspace 37 of " + INSTANCE);
                    assertNoSecretInChain(e);
                });
    }

    @Test
    void aKeyMintedButNotSaved_failsWithTheRemedy_withoutTheKey_andLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("keys.json");
        String minted = "14|MintedButLostSecret0123456789";

        // The mint makes the final move impossible: a non-empty directory where the file should go.
        assertThatThrownBy(() -> ApiKeyStore.file(file).getOrCreate(INSTANCE, 37, () -> {
            try {
                Files.createDirectories(file.resolve("in-the-way"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return minted;
        })).isInstanceOfSatisfying(ApiKeyStoreException.class, e -> {
            assertThat(e.getMessage()).contains("cannot update key store " + file)
                    .contains("could not be saved").contains("delete it in the Email Bison web UI");
            assertNoSecretInChain(e);
            assertThat(e.getMessage()).doesNotContain(minted).doesNotContain("MintedButLost");
        });
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("keys.json", "keys.json.lock");
        }
        assertThat(file).isDirectory();
    }

    @Test
    void storeObjectsOnOneFile_from8Threads_mintExactlyOnce() throws Exception {
        Path file = dir.resolve("keys.json");
        AtomicInteger calls = new AtomicInteger();
        Supplier<String> slowMint = () -> {
            calls.incrementAndGet();
            ApiKeyStoreTest.sleep(50);
            return "7|RacedSecret" + System.nanoTime();
        };

        // Each thread its own store object, as separate clients of one JVM would have.
        List<String> keys = ApiKeyStoreTest.race(8, () -> ApiKeyStore.file(file).getOrCreate(INSTANCE, 37, slowMint));

        assertThat(calls).hasValue(1);
        assertThat(Set.copyOf(keys)).hasSize(1);
    }

    @Test
    void twoProcessesRacingOnOneFile_mintExactlyOncePerWorkspace() throws Exception {
        Path file = dir.resolve("keys.json");
        Path ready = dir.resolve("child.ready");
        Path start = dir.resolve("start");
        Path childOut = dir.resolve("child.out");
        int workspaces = 30;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                KeyStoreRaceMain.class.getName(), file.toString(), INSTANCE, String.valueOf(workspaces),
                ready.toString(), start.toString(), "child")
                .redirectErrorStream(true).redirectOutput(childOut.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(ready)) {
                assertThat(child.isAlive()).as("child JVM exited early: %s", readQuietly(childOut)).isTrue();
                assertThat(System.nanoTime()).as("child JVM not ready in 30 s").isLessThan(deadline);
                Thread.sleep(5);
            }
            ApiKeyStore store = ApiKeyStore.file(file);
            Files.createFile(start);
            StringBuilder parentOut = new StringBuilder();
            int parentMints = KeyStoreRaceMain.race(store, INSTANCE, workspaces, "parent", parentOut).get();

            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child finished").isTrue();
            String childText = Files.readString(childOut);
            assertThat(child.exitValue()).as("child exit code; output: %s", childText).isZero();

            Map<String, String> parentKeys = keysByWorkspace(parentOut.toString());
            Map<String, String> childKeys = keysByWorkspace(childText);
            int childMints = Integer.parseInt(childText.lines().filter(l -> l.startsWith("mints="))
                    .findFirst().orElseThrow().substring("mints=".length()));

            assertThat(parentMints + childMints).as("mints in both processes").isEqualTo(workspaces);
            assertThat(childKeys).hasSize(workspaces).isEqualTo(parentKeys);
            JsonNode keys = JSON.readTree(file.toFile()).get("keys");
            assertThat(keys).hasSize(workspaces);
            for (JsonNode k : keys) {
                assertThat(k.get("key").asText()).isEqualTo(parentKeys.get(k.get("workspaceId").asText()));
            }
        } finally {
            child.destroyForcibly();
        }
    }

    private static Map<String, String> keysByWorkspace(String output) {
        Map<String, String> keys = new HashMap<>();
        output.lines().filter(l -> l.startsWith("ws=")).forEach(l -> {
            String[] parts = l.split(" key=", 2);
            keys.put(parts[0].substring(3), parts[1]);
        });
        return keys;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** One call of each kind for workspace 38 (nothing stored) and 37; a mint fails the test. */
    private static List<Runnable> everyCall(ApiKeyStore store) {
        return List.of(() -> store.find(INSTANCE, 37),
                () -> store.getOrCreate(INSTANCE, 38, () -> fail("must not mint")),
                () -> store.replace(INSTANCE, 37, SECRET, () -> fail("must not mint")));
    }

    private static void assertNoSecretInChain(Throwable e) {
        List<String> texts = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            texts.add(String.valueOf(t.getMessage()));
            texts.add(t.toString());
        }
        assertThat(texts).allSatisfy(text -> assertThat(text).doesNotContain("StoredSecret")
                .doesNotContain("OtherSecret").doesNotContain("0123456789"));
    }

    private static String validFile(String key) {
        return "{\"version\": 1, \"keys\": [{\"instance\": \"" + INSTANCE + "\", \"workspaceId\": 37, \"key\": \""
                + key + "\", \"createdAt\": \"2026-11-30T16:20:05Z\"}]}";
    }

    private static Path ownerOnly(Path file, String content) throws Exception {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
