package io.github.bisonbackfill.bison.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.bisonbackfill.bison.Reply;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.github.bisonbackfill.bison.simulator.Http.get;
import static io.github.bisonbackfill.bison.simulator.Http.ok;
import static io.github.bisonbackfill.bison.simulator.Http.post;
import static org.assertj.core.api.Assertions.assertThat;

class KeysAndWorkspacesTest {

    private static BisonSimulator twoInstances(TestClock clock, Duration lag, SwitchVisibility visibility) {
        return BisonSimulator.builder()
                .clock(clock)
                .switchLag(lag)
                .switchVisibility(visibility)
                .instance("a", i -> i.generatedWorkspaces(3, 5, 2))
                .instance("b", i -> i.generatedWorkspaces(2, 5, 2))
                .start();
    }

    @Test
    void users_showsSuperAdminAndCurrentTeam() throws Exception {
        try (BisonSimulator sim = twoInstances(new TestClock(), Duration.ZERO, SwitchVisibility.CONSISTENT)) {
            SimulatedInstance a = sim.instance("a");
            JsonNode data = ok(get(a.baseUrl(), "/api/users", a.superAdminKey())).get("data");
            assertThat(data.get("id").asLong()).isEqualTo(a.superAdmin().id());
            assertThat(data.get("email").asText()).isEqualTo(a.superAdmin().email());
            assertThat(data.get("team").get("id").asLong()).isEqualTo(1);
            assertThat(data.get("team").get("name").asText()).isEqualTo("O'Brien & Sons, LLC");
        }
    }

    @Test
    void keys_unknownRevokedAndOtherInstanceKeysGet401() throws Exception {
        try (BisonSimulator sim = twoInstances(new TestClock(), Duration.ZERO, SwitchVisibility.CONSISTENT)) {
            SimulatedInstance a = sim.instance("a");
            SimulatedInstance b = sim.instance("b");
            assertThat(a.keyId(a.superAdminKey())).isEqualTo(b.keyId(b.superAdminKey()));
            assertThat(get(a.baseUrl(), "/api/users", b.superAdminKey()).status()).isEqualTo(401);
            assertThat(get(a.baseUrl(), "/api/users", null).status()).isEqualTo(401);
            assertThat(get(a.baseUrl(), "/api/users", "garbage").status()).isEqualTo(401);
            Http.Result r = get(a.baseUrl(), "/api/replies", "1|wrongsecret");
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().get("message").asText()).isEqualTo("Unauthenticated.");

            String apiKey = a.mintApiUserKey(2);
            assertThat(get(a.baseUrl(), "/api/users", apiKey).status()).isEqualTo(200);
            assertThat(a.revokeKey(apiKey)).isTrue();
            assertThat(get(a.baseUrl(), "/api/users", apiKey).status()).isEqualTo(401);
        }
    }

    @Test
    void ids_collideAcrossInstances() {
        try (BisonSimulator sim = twoInstances(new TestClock(), Duration.ZERO, SwitchVisibility.CONSISTENT)) {
            Set<Long> a = new HashSet<>();
            sim.instance("a").replies(1).forEach(r -> a.add(r.id()));
            Set<Long> b = new HashSet<>();
            sim.instance("b").replies(1).forEach(r -> b.add(r.id()));
            b.retainAll(a);
            assertThat(b).isNotEmpty();
        }
    }

    @Test
    void apiUserKey_isScopedToItsWorkspace_whateverTheUserSwitches() throws Exception {
        try (BisonSimulator sim = twoInstances(new TestClock(), Duration.ZERO, SwitchVisibility.CONSISTENT)) {
            SimulatedInstance a = sim.instance("a");
            String apiKey = a.mintApiUserKey(3);
            JsonNode team = ok(get(a.baseUrl(), "/api/users", apiKey)).get("data").get("team");
            assertThat(team.get("id").asLong()).isEqualTo(3);
            JsonNode page = ok(get(a.baseUrl(), "/api/replies?status=interested&folder=all", apiKey));
            assertThat(page.get("meta").get("total").asInt()).isEqualTo(5);
            List<Long> truth = a.interestedReplies(3).stream().map(Reply::id).toList();
            page.get("data").forEach(n -> assertThat(truth).contains(n.get("id").asLong()));
            // api-user keys cannot switch, list or mint
            assertThat(post(a.baseUrl(), "/api/workspaces/v1.1/switch-workspace", apiKey, "{\"team_id\":1}").status())
                    .isEqualTo(403);
            assertThat(get(a.baseUrl(), "/api/workspaces/v1.1", apiKey).status()).isEqualTo(403);
            assertThat(post(a.baseUrl(), "/api/workspaces/v1.1/3/api-tokens", apiKey, "{\"name\":\"x\"}").status())
                    .isEqualTo(403);
        }
    }

    @Test
    void workspaces_listsAllWithHardNames() throws Exception {
        try (BisonSimulator sim = twoInstances(new TestClock(), Duration.ZERO, SwitchVisibility.CONSISTENT)) {
            SimulatedInstance a = sim.instance("a");
            JsonNode data = ok(get(a.baseUrl(), "/api/workspaces/v1.1", a.superAdminKey())).get("data");
            assertThat(data).hasSize(3);
            assertThat(data.get(1).get("name").asText()).isEqualTo("Café Ñandú");
            assertThat(data.get(0).has("personal_team")).isTrue();
            assertThat(data.get(0).has("created_at")).isTrue();
        }
    }

    @Test
    void switch_takesEffectOnlyAfterTheLag() throws Exception {
        TestClock clock = new TestClock();
        try (BisonSimulator sim = twoInstances(clock, Duration.ofSeconds(2), SwitchVisibility.CONSISTENT)) {
            SimulatedInstance a = sim.instance("a");
            String key = a.superAdminKey();
            JsonNode sw = ok(post(a.baseUrl(), "/api/workspaces/v1.1/switch-workspace", key, "{\"team_id\":2}"));
            assertThat(sw.get("data").get("name").asText()).isEqualTo("Café Ñandú");
            assertThat(sw.get("data").get("id").asLong()).isEqualTo(2);

            assertThat(ok(get(a.baseUrl(), "/api/users", key)).get("data").get("team").get("id").asLong()).isEqualTo(1);
            assertThat(ok(get(a.baseUrl(), "/api/replies?folder=all", key)).get("meta").get("total").asInt())
                    .isEqualTo(a.replies(1).size());
            assertThat(a.currentWorkspaceId()).isEqualTo(1);
            assertThat(a.requestedWorkspaceId()).isEqualTo(2);

            clock.advance(Duration.ofMillis(1999));
            assertThat(a.currentWorkspaceId()).isEqualTo(1);
            clock.advance(Duration.ofMillis(1));
            assertThat(ok(get(a.baseUrl(), "/api/users", key)).get("data").get("team").get("id").asLong()).isEqualTo(2);
            JsonNode page = ok(get(a.baseUrl(), "/api/replies?folder=all", key));
            assertThat(page.get("data").get(0).get("id").asLong()).isEqualTo(a.replies(2).get(0).id());
            assertThat(a.counters().switchesAccepted()).isEqualTo(1);
            assertThat(a.counters().switchRequests()).isEqualTo(1);
        }
    }

    @Test
    void switch_harshMode_usersShowsNewTeamWhileDataIsStillOld() throws Exception {
        TestClock clock = new TestClock();
        try (BisonSimulator sim = twoInstances(clock, Duration.ofSeconds(1), SwitchVisibility.USERS_FIRST)) {
            SimulatedInstance a = sim.instance("a");
            String key = a.superAdminKey();
            ok(post(a.baseUrl(), "/api/workspaces/v1.1/switch-workspace", key, "{\"team_id\":3}"));
            assertThat(ok(get(a.baseUrl(), "/api/users", key)).get("data").get("team").get("id").asLong()).isEqualTo(3);
            assertThat(ok(get(a.baseUrl(), "/api/replies?folder=all", key)).get("data").get(0).get("id").asLong())
                    .isEqualTo(a.replies(1).get(0).id());
            clock.advance(Duration.ofSeconds(1));
            assertThat(ok(get(a.baseUrl(), "/api/replies?folder=all", key)).get("data").get(0).get("id").asLong())
                    .isEqualTo(a.replies(3).get(0).id());
        }
    }

    @Test
    void switch_rejectsMissingUnknownAndWorkspaceIdField() throws Exception {
        try (BisonSimulator sim = twoInstances(new TestClock(), Duration.ZERO, SwitchVisibility.CONSISTENT)) {
            SimulatedInstance a = sim.instance("a");
            String key = a.superAdminKey();
            String path = "/api/workspaces/v1.1/switch-workspace";
            Http.Result wrongField = post(a.baseUrl(), path, key, "{\"workspace_id\":2}");
            assertThat(wrongField.status()).isEqualTo(422);
            assertThat(wrongField.json().get("errors").has("team_id")).isTrue();
            assertThat(post(a.baseUrl(), path, key, "{\"team_id\":99}").status()).isEqualTo(422);
            assertThat(post(a.baseUrl(), path, key, "{}").status()).isEqualTo(422);
            assertThat(post(a.baseUrl(), path, key, "not json").status()).isEqualTo(422);
            assertThat(a.currentWorkspaceId()).isEqualTo(1);
            assertThat(a.counters().switchRequests()).isEqualTo(4);
            assertThat(a.counters().switchesAccepted()).isZero();
        }
    }

    @Test
    void mint_createsAWorkingApiUserKeyWithoutSwitching() throws Exception {
        try (BisonSimulator sim = twoInstances(new TestClock(), Duration.ZERO, SwitchVisibility.CONSISTENT)) {
            SimulatedInstance a = sim.instance("a");
            JsonNode data = ok(post(a.baseUrl(), "/api/workspaces/v1.1/2/api-tokens", a.superAdminKey(),
                    "{\"name\":\"bison-backfill\"}")).get("data");
            assertThat(data.get("name").asText()).isEqualTo("bison-backfill");
            String token = data.get("plain_text_token").asText();
            assertThat(token).startsWith(data.get("id").asText() + "|");
            assertThat(ok(get(a.baseUrl(), "/api/users", token)).get("data").get("team").get("id").asLong()).isEqualTo(2);
            assertThat(a.currentWorkspaceId()).isEqualTo(1);
            assertThat(a.counters().keysMinted()).isEqualTo(1);
            assertThat(post(a.baseUrl(), "/api/workspaces/v1.1/77/api-tokens", a.superAdminKey(), "{\"name\":\"x\"}")
                    .status()).isEqualTo(404);
            assertThat(post(a.baseUrl(), "/api/workspaces/v1.1/2/api-tokens", a.superAdminKey(), "{}").status())
                    .isEqualTo(422);
        }
    }
}
