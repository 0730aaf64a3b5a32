package io.github.bisonbackfill.bison.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bisonbackfill.bison.Reply;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.github.bisonbackfill.bison.simulator.Http.get;
import static io.github.bisonbackfill.bison.simulator.Http.ok;
import static org.assertj.core.api.Assertions.assertThat;

class MidScanChangesTest {

    private static List<Long> ids(JsonNode page) {
        List<Long> out = new ArrayList<>();
        page.get("data").forEach(n -> out.add(n.get("id").asLong()));
        return out;
    }

    @Test
    void repliesAddedAfterPageOne_shiftItemsToLaterPages_andRaiseTotal() throws Exception {
        try (BisonSimulator sim = BisonSimulator.builder().instance("main", i -> i.workspace(37, "Harbor Insurance", 45, 0))
                .start()) {
            SimulatedInstance main = sim.instance();
            List<Reply> added = new ArrayList<>();
            sim.onServed(RequestMatcher.repliesPage(1).onWorkspace(37), () -> added.addAll(main.addReplies(37, 3)));
            String q = "/api/replies?status=interested&folder=all&page=";
            JsonNode p1 = ok(get(main.baseUrl(), q + 1, main.superAdminKey()));
            assertThat(p1.get("meta").get("total").asInt()).isEqualTo(45);
            JsonNode p2 = ok(get(main.baseUrl(), q + 2, main.superAdminKey()));
            assertThat(p2.get("meta").get("total").asInt()).isEqualTo(48);
            assertThat(added).hasSize(3).allMatch(Reply::interested);
            // the last three items of page 1 come again at the top of page 2
            assertThat(ids(p2).subList(0, 3)).isEqualTo(ids(p1).subList(12, 15));
            assertThat(main.interestedReplies(37).get(0).id()).isGreaterThan(ids(p1).get(0));
            // one-shot: page 1 again does not add more
            ok(get(main.baseUrl(), q + 1, main.superAdminKey()));
            assertThat(main.interestedReplies(37)).hasSize(48);
        }
    }

    @Test
    void repliesRemovedMidScan_shiftItemsUp_soAScanMissesSome() throws Exception {
        try (BisonSimulator sim = BisonSimulator.builder().instance("main", i -> i.workspace(37, "Harbor Insurance", 45, 0))
                .start()) {
            SimulatedInstance main = sim.instance();
            Set<Long> truthBefore = new HashSet<>();
            main.interestedReplies(37).forEach(r -> truthBefore.add(r.id()));
            String q = "/api/replies?status=interested&folder=all&page=";
            Set<Long> seen = new HashSet<>(ids(ok(get(main.baseUrl(), q + 1, main.superAdminKey()))));
            assertThat(main.removeNewestReplies(37, 2)).hasSize(2);
            seen.addAll(ids(ok(get(main.baseUrl(), q + 2, main.superAdminKey()))));
            seen.addAll(ids(ok(get(main.baseUrl(), q + 3, main.superAdminKey()))));
            Set<Long> stillThere = new HashSet<>();
            main.interestedReplies(37).forEach(r -> stillThere.add(r.id()));
            stillThere.removeAll(seen);
            assertThat(stillThere).hasSize(2);
            assertThat(main.removeReply(main.interestedReplies(37).get(5).id())).isTrue();
            assertThat(main.interestedReplies(37)).hasSize(42);
        }
    }
}
