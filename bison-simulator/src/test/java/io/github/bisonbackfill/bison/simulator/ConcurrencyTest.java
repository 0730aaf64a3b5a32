package io.github.bisonbackfill.bison.simulator;

import io.github.bisonbackfill.bison.Reply;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static io.github.bisonbackfill.bison.simulator.Http.get;
import static io.github.bisonbackfill.bison.simulator.Http.ok;
import static org.assertj.core.api.Assertions.assertThat;

class ConcurrencyTest {

    @Test
    void parallelPageReads_withAnApiUserKey_returnExactlyTheWorkspace() throws Exception {
        try (BisonSimulator sim = BisonSimulator.builder()
                .latency(Duration.ofMillis(5), Duration.ofMillis(25))
                .instance("main", i -> i.generatedWorkspaces(3, 150, 40).foreignSwitcher(Duration.ofMillis(10)))
                .start()) {
            SimulatedInstance main = sim.instance();
            String key = main.mintApiUserKey(2);
            int lastPage = ok(get(main.baseUrl(), "/api/replies?status=interested&folder=all", key))
                    .get("meta").get("last_page").asInt();
            assertThat(lastPage).isEqualTo(10);
            Set<Long> seen = ConcurrentHashMap.newKeySet();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int p = 1; p <= lastPage; p++) {
                    int page = p;
                    futures.add(pool.submit(() -> {
                        ok(get(main.baseUrl(), "/api/replies?status=interested&folder=all&page=" + page, key))
                                .get("data").forEach(n -> seen.add(n.get("id").asLong()));
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(seen).isEqualTo(main.interestedReplies(2).stream().map(Reply::id).collect(Collectors.toSet()));
            assertThat(main.counters().maxConcurrentRequests()).isGreaterThanOrEqualTo(1);
            assertThat(main.requestLog(r -> r.endpoint() == Endpoint.REPLIES)).hasSize(11)
                    .allMatch(r -> r.workspaceId() == 2 && !r.superAdmin());
        }
    }
}
