package io.github.bisonbackfill.core.internal;

import io.github.bisonbackfill.core.ClientSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LanesTest {
    private static List<ClientSpec> clients(String instance, int n) {
        List<ClientSpec> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(new ClientSpec(instance + " client " + i, instance, i));
        }
        return out;
    }

    @Test
    void batches_boundClientsInFlightPerInstance_andInstancesRunInParallel() throws Exception {
        List<ClientSpec> all = new ArrayList<>(clients("east", 7));
        all.addAll(clients("west", 5));
        Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
        // Both lanes must be inside a task at the same time, else this latch never opens.
        CountDownLatch bothLanes = new CountDownLatch(2);
        List<String> results = new Lanes(3, 1, Duration.ZERO, Duration.ZERO).run(all, (client, index, lane) -> {
            AtomicInteger now = inFlight.computeIfAbsent(lane.instance(), k -> new AtomicInteger());
            int n = now.incrementAndGet();
            maxInFlight.computeIfAbsent(lane.instance(), k -> new AtomicInteger()).accumulateAndGet(n, Math::max);
            if (client.workspaceId() == 1) {
                bothLanes.countDown();
                try {
                    assertThat(bothLanes.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            now.decrementAndGet();
            return client.name() + "@" + index;
        }, client -> "not run");

        assertThat(results).hasSize(12);
        for (int i = 0; i < all.size(); i++) {
            assertThat(results.get(i)).isEqualTo(all.get(i).name() + "@" + i);
        }
        assertThat(maxInFlight.get("east").get()).isBetween(1, 3);
        assertThat(maxInFlight.get("west").get()).isBetween(1, 3);
    }

    static final class Boom extends Error {
    }

    @Test
    void anError_stopsFurtherStarts_andPropagates_afterRunningTasksFinish() {
        List<ClientSpec> all = clients("east", 6);
        AtomicInteger started = new AtomicInteger();
        assertThatThrownBy(() -> new Lanes(2, 1, Duration.ZERO, Duration.ZERO).run(all, (client, index, lane) -> {
            started.incrementAndGet();
            if (client.workspaceId() == 2) {
                throw new Boom();
            }
            return "done";
        }, client -> "not run")).isInstanceOf(Boom.class);
        assertThat(started.get()).as("only the first batch of 2 started").isEqualTo(2);
    }
}
