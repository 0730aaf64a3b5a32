package io.github.bisonbackfill.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileCheckpointStoreTest {
    static final Instant T = Instant.parse("2025-11-02T09:30:00.123456Z");
    static final ClientKey HARBOR = new ClientKey("agency-main", 37, "Harbor Insurance");
    static final ClientKey OBRIEN = new ClientKey("agency-2", 37, "O'Brien & Sons, LLC");

    @TempDir
    Path dir;

    @Test
    void put_thenReopen_readsTheSameCheckpoints() {
        Path file = dir.resolve("cp.json");
        CheckpointStore store = CheckpointStore.file(file);
        assertThat(store.currentRunId()).isEmpty();
        assertThat(store.all()).isEmpty();
        store.beginRun("run-1");
        ClientCheckpoint a = new ClientCheckpoint(HARBOR, "run-1", CheckpointStatus.COMPLETED, 456, T, 88412L);
        ClientCheckpoint b = new ClientCheckpoint(OBRIEN, "run-1", CheckpointStatus.FAILED, 0, T, null);
        store.put(a);
        store.put(b);

        CheckpointStore reopened = FileCheckpointStore.open(file);
        assertThat(reopened.currentRunId()).contains("run-1");
        assertThat(reopened.all()).containsExactly(a, b);
        assertThat(reopened.get(HARBOR)).contains(a);
        assertThat(reopened.get(new ClientKey("agency-main", 37, "Other"))).isEmpty();
    }

    @Test
    void beginRun_newRun_oldCompletionNoLongerCounts_butHighWaterRemains() {
        CheckpointStore store = CheckpointStore.file(dir.resolve("cp.json"));
        store.beginRun("run-1");
        store.put(new ClientCheckpoint(HARBOR, "run-1", CheckpointStatus.COMPLETED, 10, T, 500L));
        assertThat(store.get(HARBOR).orElseThrow().completedIn("run-1")).isTrue();
        store.beginRun("run-2");
        ClientCheckpoint old = store.get(HARBOR).orElseThrow();
        assertThat(old.completedIn(store.currentRunId().orElseThrow())).isFalse();
        assertThat(old.highWaterReplyId()).isEqualTo(500L);
    }

    @Test
    void put_replacesTheClientsCheckpoint_keepingFirstRecordOrder() {
        CheckpointStore store = CheckpointStore.file(dir.resolve("cp.json"));
        store.put(new ClientCheckpoint(HARBOR, "r", CheckpointStatus.IN_PROGRESS, 0, T, null));
        store.put(new ClientCheckpoint(OBRIEN, "r", CheckpointStatus.IN_PROGRESS, 0, T, null));
        store.put(new ClientCheckpoint(HARBOR, "r", CheckpointStatus.COMPLETED, 9, T, 7L));
        assertThat(store.all()).extracting(ClientCheckpoint::client, ClientCheckpoint::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(HARBOR, CheckpointStatus.COMPLETED),
                org.assertj.core.groups.Tuple.tuple(OBRIEN, CheckpointStatus.IN_PROGRESS));
    }

    @Test
    void open_corruptJson_failsNamingTheFileAndPosition() throws Exception {
        Path file = dir.resolve("cp.json");
        Files.writeString(file, "{\"format\":\"bison-backfill-checkpoint\",\"version\":1,\"clients\":[{\"client\":");
        assertThatThrownBy(() -> FileCheckpointStore.open(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("corrupt")
                .hasMessageContaining("line 1")
                .hasMessageContaining("delete it to start fresh");
    }

    @Test
    void open_jsonThatIsNotACheckpoint_orOfAnotherVersion_fails() throws Exception {
        Path file = dir.resolve("cp.json");
        Files.writeString(file, "{\"hello\":\"world\"}");
        assertThatThrownBy(() -> FileCheckpointStore.open(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("not a bison-backfill checkpoint");
        Files.writeString(file, "{\"format\":\"bison-backfill-checkpoint\",\"version\":99}");
        assertThatThrownBy(() -> FileCheckpointStore.open(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("unsupported checkpoint version 99");
        Files.writeString(file, "");
        assertThatThrownBy(() -> FileCheckpointStore.open(file)).isInstanceOf(CheckpointException.class);
    }

    @Test
    void operations_afterTheFileWasCorrupted_fail() throws Exception {
        Path file = dir.resolve("cp.json");
        CheckpointStore store = CheckpointStore.file(file);
        store.beginRun("r");
        Files.writeString(file, "garbage");
        assertThatThrownBy(store::currentRunId).isInstanceOf(CheckpointException.class);
        assertThatThrownBy(() -> store.put(new ClientCheckpoint(HARBOR, "r", CheckpointStatus.FAILED, 0, T, null)))
                .isInstanceOf(CheckpointException.class);
        assertThat(Files.readString(file)).isEqualTo("garbage");
    }

    @Test
    void put_inAMissingDirectory_failsClearly() {
        CheckpointStore store = CheckpointStore.file(dir.resolve("no/such/dir/cp.json"));
        assertThatThrownBy(() -> store.beginRun("r")).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("cannot write checkpoint file").hasMessageContaining("directory");
    }

    @Test
    void aLeftoverTempFileFromACrash_isIgnored_andWritesLeaveNoTempFiles() throws Exception {
        Path file = dir.resolve("cp.json");
        CheckpointStore store = CheckpointStore.file(file);
        store.beginRun("r");
        Files.writeString(dir.resolve("cp.json.123.tmp"), "{\"format\":\"torn"); // a crash mid-write
        assertThat(FileCheckpointStore.open(file).currentRunId()).contains("r");
        store.put(new ClientCheckpoint(HARBOR, "r", CheckpointStatus.COMPLETED, 1, T, 1L));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("cp.json", "cp.json.123.tmp");
        }
    }

    @Test
    void concurrentWriters_fromThreadsAndTwoInstances_loseNoUpdate() throws Exception {
        Path file = dir.resolve("cp.json");
        CheckpointStore first = CheckpointStore.file(file);
        CheckpointStore second = FileCheckpointStore.open(dir.resolve("./cp.json"));
        int threads = 8;
        int perThread = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            CheckpointStore store = t % 2 == 0 ? first : second;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    ClientKey key = new ClientKey("inst", thread * 1000L + i, "client " + thread + "/" + i);
                    store.put(new ClientCheckpoint(key, "r", CheckpointStatus.IN_PROGRESS, 0, T, null));
                    store.put(new ClientCheckpoint(key, "r", CheckpointStatus.COMPLETED, i, T, (long) i));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        List<ClientCheckpoint> all = FileCheckpointStore.open(file).all();
        assertThat(all).hasSize(threads * perThread);
        assertThat(all).allMatch(c -> c.status() == CheckpointStatus.COMPLETED && c.rowsWritten() == c.highWaterReplyId());
    }

    @Test
    void inMemory_behavesLikeTheFileStore() {
        CheckpointStore store = CheckpointStore.inMemory();
        store.beginRun("r");
        ClientCheckpoint c = new ClientCheckpoint(HARBOR, "r", CheckpointStatus.COMPLETED, 3, T, 9L);
        store.put(c);
        assertThat(store.currentRunId()).contains("r");
        assertThat(store.get(HARBOR)).contains(c);
        assertThat(store.all()).containsExactly(c);
    }
}
