package io.github.bisonbackfill.bison;

import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end against the simulator in its hostile mode: 24 workspaces on 2 instances whose ids
 * collide, switch lag up to 1 s with the read-back running ahead of the data ({@code USERS_FIRST}),
 * latency, and a foreign actor switching the same super-admin user at random.
 */
class HostileScanIT {

    /** 12 workspaces with varied sizes; both instances use the same ids, as real instances may. */
    private static Consumer<BisonSimulator.InstanceBuilder> twelveWorkspaces(int salt) {
        return i -> {
            for (int k = 0; k < 12; k++) {
                i.workspace(100 + k, "Client " + k + (k % 3 == 0 ? ", LLC" : " Café") + " #" + salt,
                        5 + (k * 7 + salt) % 40, 2 + k % 5);
            }
        };
    }

    private static BisonSimulator hostileSimulator() {
        return BisonSimulator.builder().seed(20251128).hostile()
                .instance("east", twelveWorkspaces(1))
                .instance("west", twelveWorkspaces(2))
                .start();
    }

    private record Outcome(String instance, long workspaceId, ScanResult scan, WorkspaceContextException refused) {
    }

    @Test
    void superAdminSwitching_underAForeignSwitcher_returnsExactlyEachWorkspacesRepliesOrFails() throws Exception {
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        try (BisonSimulator sim = hostileSimulator()) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<?>> runs = new ArrayList<>();
            for (SimulatedInstance instance : sim.instances()) {
                runs.add(pool.submit(() -> {
                    // Settle 1.1 s: the simulator's lag is at most 1 s and its read-back runs ahead
                    // of the data, the case the settle delay exists for (see DEFAULT_SWITCH_SETTLE_DELAY).
                    try (BisonClient client = BisonClient.builder().baseUrl(instance.baseUrl())
                            .instanceName(instance.name()).superAdminKey(instance.superAdminKey())
                            .switchSettleDelay(Duration.ofMillis(1100))
                            .verificationAttempts(10).verificationInterval(Duration.ofMillis(100))
                            .retryBaseDelay(Duration.ofMillis(10)).retryMaxDelay(Duration.ofMillis(100))
                            .requestsPerSecond(200).build()) {
                        for (Workspace ws : instance.workspaces()) {
                            try {
                                outcomes.add(new Outcome(instance.name(), ws.id(),
                                        client.scanInterestedReplies(ws.id()), null));
                            } catch (WorkspaceContextException e) {
                                outcomes.add(new Outcome(instance.name(), ws.id(), null, e));
                            } catch (Throwable t) {
                                unexpected.add(t);
                            }
                        }
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
            pool.shutdown();

            assertThat(unexpected).isEmpty();
            assertThat(outcomes).hasSize(24);
            long foreignSwitches = 0;
            for (SimulatedInstance instance : sim.instances()) {
                foreignSwitches += instance.counters().foreignSwitches();
            }
            assertThat(foreignSwitches).as("the foreign switcher was active").isPositive();
            int succeeded = 0;
            for (Outcome o : outcomes) {
                if (o.scan() == null) {
                    assertThat(o.refused().workspaceId()).isEqualTo(o.workspaceId());
                    continue;
                }
                succeeded++;
                SimulatedInstance instance = sim.instance(o.instance());
                boolean foreign = o.scan().replies().stream()
                        .anyMatch(r -> !instance.workspaceOfReply(r.id()).equals(OptionalLong.of(o.workspaceId())));
                if (foreign) {
                    // Diagnostics for the failure below: the instance's requests with the workspace served.
                    instance.requestLog().forEach(r -> System.out.println("request " + r.timestamp() + " " + r.method()
                            + " " + r.endpoint() + " " + r.query() + " served=" + r.workspaceId() + " status=" + r.status()));
                }
                for (Reply reply : o.scan().replies()) {
                    assertThat(instance.workspaceOfReply(reply.id())).as("reply %d returned for %s/%d", reply.id(),
                            o.instance(), o.workspaceId()).isEqualTo(OptionalLong.of(o.workspaceId()));
                }
                assertThat(o.scan().replies()).extracting(Reply::id).as("%s/%d", o.instance(), o.workspaceId())
                        .containsExactlyInAnyOrderElementsOf(
                                instance.interestedReplies(o.workspaceId()).stream().map(Reply::id).toList());
            }
            assertThat(succeeded).as("most workspaces complete despite the foreign switcher").isGreaterThan(12);
        }
    }

    @Test
    void apiUserKeys_readEveryWorkspaceConcurrently_correctly_andNeverSwitch() throws Exception {
        try (BisonSimulator sim = hostileSimulator()) {
            Map<String, BisonClient> clients = new ConcurrentHashMap<>();
            for (SimulatedInstance instance : sim.instances()) {
                BisonClient.Builder builder = BisonClient.builder().baseUrl(instance.baseUrl())
                        .instanceName(instance.name()).retryBaseDelay(Duration.ofMillis(10))
                        .retryMaxDelay(Duration.ofMillis(100)).requestsPerSecond(200);
                for (Workspace ws : instance.workspaces()) {
                    builder.workspaceKey(ws.id(), instance.mintApiUserKey(ws.id()));
                }
                clients.put(instance.name(), builder.build());
            }
            ExecutorService pool = Executors.newFixedThreadPool(24);
            try {
                Map<String, Future<ScanResult>> scans = new ConcurrentHashMap<>();
                for (SimulatedInstance instance : sim.instances()) {
                    for (Workspace ws : instance.workspaces()) {
                        scans.put(instance.name() + "/" + ws.id(),
                                pool.submit(() -> clients.get(instance.name()).scanInterestedReplies(ws.id())));
                    }
                }
                assertThat(scans).hasSize(24);
                for (SimulatedInstance instance : sim.instances()) {
                    for (Workspace ws : instance.workspaces()) {
                        ScanResult scan = scans.get(instance.name() + "/" + ws.id()).get();
                        assertThat(scan.keyMode()).isEqualTo(KeyMode.API_USER_KEY);
                        assertThat(scan.workspaceName()).isEqualTo(ws.name());
                        assertThat(scan.replies()).extracting(Reply::id).containsExactlyInAnyOrderElementsOf(
                                instance.interestedReplies(ws.id()).stream().map(Reply::id).toList());
                    }
                }
            } finally {
                pool.shutdownNow();
                clients.values().forEach(BisonClient::close);
            }
            assertThat(sim.requestLog()).filteredOn(r -> r.endpoint() == Endpoint.SWITCH_WORKSPACE).isEmpty();
            assertThat(sim.requestLog()).filteredOn(r -> r.endpoint() == Endpoint.REPLIES).isNotEmpty()
                    .allMatch(r -> !r.superAdmin());
        }
    }
}
