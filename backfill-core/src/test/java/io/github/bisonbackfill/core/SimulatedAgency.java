package io.github.bisonbackfill.core;

import io.github.bisonbackfill.bison.BisonClient;
import io.github.bisonbackfill.bison.simulator.BisonSimulator;
import io.github.bisonbackfill.bison.simulator.SimulatedInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A calm simulated agency: 2 instances ({@code east}, {@code west}) of 12 generated workspaces each
 * (seed 77), one api-user key per workspace, a client per instance and a plan entry per workspace.
 * Close to close the clients and the simulator.
 */
final class SimulatedAgency implements AutoCloseable {
    final BisonSimulator sim = BisonSimulator.builder().seed(77)
            .instance("east", i -> i.generatedWorkspaces(12, 25, 5))
            .instance("west", i -> i.generatedWorkspaces(12, 25, 5)).start();
    /** instance/workspaceId → its api-user key. */
    final Map<String, String> keys = new HashMap<>();
    final List<BisonClient> clients = new ArrayList<>();
    final List<ClientSpec> specs = new ArrayList<>();

    SimulatedAgency() {
        for (SimulatedInstance instance : sim.instances()) {
            BisonClient.Builder b = LeadsTable.client(instance, Duration.ZERO);
            instance.workspaces().forEach(ws -> {
                String key = instance.mintApiUserKey(ws.id());
                keys.put(instance.name() + "/" + ws.id(), key);
                b.workspaceKey(ws.id(), key);
                // Both instances generate the same names: the plan's client names tell them apart.
                specs.add(new ClientSpec(instance.name() + ": " + ws.name(), instance.name(), ws.id()));
            });
            clients.add(b.build());
        }
    }

    /** Registers every instance's client with {@code builder}. */
    BackfillOrchestrator.Builder registerInstances(BackfillOrchestrator.Builder builder) {
        clients.forEach(builder::instance);
        return builder;
    }

    BackfillPlan plan() {
        return BackfillPlan.of(specs);
    }

    @Override
    public void close() {
        clients.forEach(BisonClient::close);
        sim.close();
    }
}
