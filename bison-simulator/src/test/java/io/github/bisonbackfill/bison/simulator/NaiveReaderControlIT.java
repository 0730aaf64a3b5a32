package io.github.bisonbackfill.bison.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bisonbackfill.bison.Reply;
import io.github.bisonbackfill.bison.Workspace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.github.bisonbackfill.bison.simulator.Http.get;
import static io.github.bisonbackfill.bison.simulator.Http.ok;
import static io.github.bisonbackfill.bison.simulator.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves the simulator reproduces the production incident: the seed's procedure (switch, fixed sleep,
 * read every page with interested=1, no verification) returns other workspaces' replies with 200s
 * when another actor switches the same user, and is correct when nobody else does.
 */
class NaiveReaderControlIT {

    /** The naive reader: returns the reply ids it read per workspace. */
    private static Map<Long, Set<Long>> naiveRead(SimulatedInstance instance, Duration sleep) throws Exception {
        Map<Long, Set<Long>> out = new LinkedHashMap<>();
        String key = instance.superAdminKey();
        for (Workspace w : instance.workspaces()) {
            ok(post(instance.baseUrl(), "/api/workspaces/v1.1/switch-workspace", key, "{\"team_id\":" + w.id() + "}"));
            Thread.sleep(sleep.toMillis());
            Set<Long> ids = new HashSet<>();
            int page = 1;
            int last;
            do {
                JsonNode body = ok(get(instance.baseUrl(), "/api/replies?interested=1&folder=all&page=" + page, key));
                body.get("data").forEach(n -> ids.add(n.get("id").asLong()));
                last = body.get("meta").get("last_page").asInt();
                page++;
            } while (page <= last);
            out.put(w.id(), ids);
        }
        return out;
    }

    private static Set<Long> truth(SimulatedInstance instance, long workspaceId) {
        return instance.replies(workspaceId).stream().map(Reply::id).collect(Collectors.toSet());
    }

    @Test
    void naiveReader_againstForeignSwitcherAndLag_getsForeignReplies() throws Exception {
        try (BisonSimulator sim = BisonSimulator.builder()
                .seed(2024)
                .switchLag(Duration.ZERO, Duration.ofSeconds(1))
                .latency(Duration.ofMillis(30))
                .instance("main", i -> i.generatedWorkspaces(6, 45, 30).foreignSwitcher(Duration.ofMillis(100)))
                .start()) {
            SimulatedInstance main = sim.instance();
            // a sleep longer than the largest lag: the seed's remedy, which cannot fix a foreign switcher
            Map<Long, Set<Long>> read = naiveRead(main, Duration.ofMillis(1100));
            List<Long> contaminated = new ArrayList<>();
            for (Map.Entry<Long, Set<Long>> e : read.entrySet()) {
                Set<Long> foreign = new HashSet<>(e.getValue());
                foreign.removeAll(truth(main, e.getKey()));
                if (!foreign.isEmpty()) {
                    contaminated.add(e.getKey());
                }
            }
            assertThat(contaminated).as("workspaces whose naive read contained other workspaces' replies")
                    .isNotEmpty();
            assertThat(main.counters().foreignSwitches()).isPositive();
        }
    }

    @Test
    void naiveReader_aloneWithASleepBeyondTheLag_readsExactlyItsWorkspaces() throws Exception {
        try (BisonSimulator sim = BisonSimulator.builder()
                .seed(2024)
                .switchLag(Duration.ZERO, Duration.ofMillis(200))
                .instance("main", i -> i.generatedWorkspaces(3, 20, 10))
                .start()) {
            SimulatedInstance main = sim.instance();
            Map<Long, Set<Long>> read = naiveRead(main, Duration.ofMillis(300));
            for (Map.Entry<Long, Set<Long>> e : read.entrySet()) {
                assertThat(e.getValue()).as("workspace %s", e.getKey()).isEqualTo(truth(main, e.getKey()));
            }
        }
    }
}
