package io.github.bisonbackfill.bison.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The read-back of the current workspace ({@code GET /api/users}) in the shapes a server may send. */
class BisonJsonCurrentUserTest {
    private final BisonJson json = new BisonJson(new Redactor(List.of()));
    private final ObjectMapper mapper = new ObjectMapper();

    private BisonJson.CurrentUser parse(String body) throws Exception {
        JsonNode root = mapper.readTree(body);
        return json.currentUser(root);
    }

    @Test
    void currentUser_readsDataTeam() throws Exception {
        BisonJson.CurrentUser user = parse("{\"data\":{\"id\":7,\"name\":\"Ops\",\"team\":{\"id\":\"37\",\"name\":\"Café, Ñandú\"}}}");
        assertThat(user.userId()).isEqualTo(7);
        assertThat(user.teamId()).isEqualTo(37L);
        assertThat(user.teamName()).isEqualTo("Café, Ñandú");
    }

    @Test
    void currentUser_withoutTeam_fallsBackToJetstreamCurrentTeam() throws Exception {
        assertThat(parse("{\"data\":{\"id\":7,\"current_team\":{\"id\":12,\"name\":\"Harbor\"}}}").teamId())
                .isEqualTo(12L);
        assertThat(parse("{\"data\":{\"id\":7,\"current_team_id\":\"12\"}}").teamId()).isEqualTo(12L);
    }

    @Test
    void currentUser_whenTeamAndCurrentTeamIdDisagree_provesNothing() throws Exception {
        BisonJson.CurrentUser user = parse("{\"data\":{\"id\":7,\"current_team_id\":12,\"team\":{\"id\":37}}}");
        assertThat(user.teamId()).isNull();
        assertThat(user.describeTeam()).isEqualTo("none");
    }

    @Test
    void currentUser_withNoWorkspaceAnywhere_isUnknown() throws Exception {
        assertThat(parse("{\"data\":{\"id\":7,\"team\":null}}").teamId()).isNull();
    }

    @Test
    void currentUser_whenTeamAndJetstreamCurrentTeamDisagree_provesNothing_andWhenTheyAgreeIsThatTeam() throws Exception {
        assertThat(parse("{\"data\":{\"id\":7,\"team\":{\"id\":37},\"current_team\":{\"id\":12}}}").teamId()).isNull();
        BisonJson.CurrentUser agree = parse("{\"data\":{\"id\":7,\"team\":{\"id\":37},\"current_team\":{\"id\":37,"
                + "\"name\":\"Acme\"},\"current_team_id\":\"37\"}}");
        assertThat(agree.teamId()).isEqualTo(37L);
        assertThat(agree.teamName()).isEqualTo("Acme");
    }
}
