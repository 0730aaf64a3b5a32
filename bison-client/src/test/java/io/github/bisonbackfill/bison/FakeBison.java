package io.github.bisonbackfill.bison;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A hand-written fake of the Email Bison endpoints the client uses, as a mockwebserver3 dispatcher.
 * It keeps the super-admin user's current workspace as server state and offers hooks to misbehave:
 * a read-back that lags behind a switch, switches that never land, a foreign actor switching between
 * requests, pages served from another workspace, faults before any handling.
 */
final class FakeBison extends Dispatcher {
    static final String SUPER_KEY = "1|SuperAdminSecretKeyAAAA1111";
    static final long USER_ID = 7;
    static final int PAGE_SIZE = 15;
    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, Long> apiKeys = new ConcurrentHashMap<>();
    final Map<Long, String> names = Collections.synchronizedMap(new LinkedHashMap<>());
    final Map<Long, List<Map<String, Object>>> replies = new ConcurrentHashMap<>();
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger superRepliesRequests = new AtomicInteger();

    volatile long currentTeam;
    private volatile long previousTeam;
    private volatile int staleLeft;

    /** After a switch, this many {@code GET /api/users} still show the previous workspace. */
    volatile int usersStaleAfterSwitch;
    /** When set, switches are acknowledged but never take effect. */
    volatile boolean ignoreSwitches;
    /** Called before a super-admin replies request is served, with its 1-based number; may switch. */
    volatile java.util.function.IntConsumer beforeSuperReplies = n -> { };
    /** Returns the workspace whose data a super-admin replies request (by number) shows, or null. */
    volatile Function<Integer, Long> servedFrom = n -> null;
    /** Returns a response to send instead of handling, or null; sees every request. */
    volatile Function<RecordedRequest, MockResponse> fault = r -> null;

    FakeBison workspace(long id, String name, int interested, int notInterested, long firstReplyId) {
        names.put(id, name);
        List<Map<String, Object>> list = new ArrayList<>();
        long next = firstReplyId;
        for (int i = 0; i < interested + notInterested; i++) {
            long rid = next++;
            list.add(reply(rid, i < interested, "lead" + rid + "@ws" + id + ".example"));
        }
        // Interleave not-interested replies among the interested ones.
        Collections.shuffle(list, new java.util.Random(id));
        replies.put(id, list);
        return this;
    }

    /** Lists a workspace's replies newest first (ids descending), as Email Bison appears to. */
    FakeBison newestFirst(long workspaceId) {
        List<Map<String, Object>> list = new ArrayList<>(replies.get(workspaceId));
        list.sort((a, b) -> Long.compare(((Number) b.get("id")).longValue(), ((Number) a.get("id")).longValue()));
        replies.put(workspaceId, list);
        return this;
    }

    /** The ids of a workspace's replies in served order (interested or not). */
    List<Long> servedIds(long workspaceId) {
        return replies.get(workspaceId).stream().map(r -> ((Number) r.get("id")).longValue()).toList();
    }

    FakeBison apiKey(String key, long workspaceId) {
        apiKeys.put(key, workspaceId);
        return this;
    }

    static Map<String, Object> reply(long id, boolean interested, String email) {
        Map<String, Object> lead = new LinkedHashMap<>();
        lead.put("id", id + 100_000);
        lead.put("email", email);
        lead.put("first_name", "First" + id);
        lead.put("last_name", "Last, " + id);
        lead.put("custom_variables", List.of(Map.of("name", "phone", "value", "555-" + id)));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("uuid", "uuid-" + id);
        r.put("interested", interested);
        r.put("automated_reply", false);
        r.put("folder", "Inbox");
        r.put("type", "Tracked Reply");
        r.put("subject", "Re: " + id);
        r.put("text_body", "body of " + id);
        r.put("date_received", "2025-10-14T17:03:21.000000Z");
        r.put("lead_id", id + 100_000);
        r.put("lead", lead);
        r.put("from_email_address", email);
        return r;
    }

    List<Long> interestedIds(long workspaceId) {
        return replies.get(workspaceId).stream().filter(r -> Boolean.TRUE.equals(r.get("interested")))
                .map(r -> ((Number) r.get("id")).longValue()).toList();
    }

    long countRequests(String prefix) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.startsWith(prefix)).count();
        }
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String target = request.getTarget();
        requests.add(request.getMethod() + " " + target);
        MockResponse faulty = fault.apply(request);
        if (faulty != null) {
            return faulty;
        }
        String auth = request.getHeaders().get("Authorization");
        String key = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
        boolean superAdmin = SUPER_KEY.equals(key);
        Long keyTeam = key == null ? null : apiKeys.get(key);
        if (!superAdmin && keyTeam == null) {
            return json(401, Map.of("message", "Unauthenticated."));
        }
        HttpUrl url = request.getUrl();
        String path = url.encodedPath();
        String method = request.getMethod();
        if (method.equals("GET") && path.equals("/api/users")) {
            long team = superAdmin ? (staleLeft > 0 ? staleTeam() : currentTeam) : keyTeam;
            Map<String, Object> teamJson = new LinkedHashMap<>();
            teamJson.put("id", team);
            teamJson.put("name", names.getOrDefault(team, "Workspace " + team));
            teamJson.put("personal_team", false);
            return json(200, Map.of("data", Map.of("id", USER_ID, "name", "Admin", "email", "admin@agency.example",
                    "team", teamJson)));
        }
        if (method.equals("POST") && path.equals("/api/workspaces/v1.1/switch-workspace")) {
            JsonNode body = readBody(request);
            long team = body.get("team_id").asLong();
            if (!ignoreSwitches) {
                previousTeam = currentTeam;
                currentTeam = team;
                staleLeft = usersStaleAfterSwitch;
            }
            return json(200, Map.of("data", Map.of("name", names.getOrDefault(team, "?"))));
        }
        if (method.equals("GET") && path.equals("/api/workspaces/v1.1")) {
            List<Map<String, Object>> list = new ArrayList<>();
            names.forEach((id, name) -> list.add(Map.of("id", id, "name", name, "personal_team", false)));
            return json(200, Map.of("data", list));
        }
        if (method.equals("GET") && path.equals("/api/replies")) {
            long team = superAdmin ? currentTeam : keyTeam;
            if (superAdmin) {
                int n = superRepliesRequests.incrementAndGet();
                beforeSuperReplies.accept(n);
                team = currentTeam;
                Long other = servedFrom.apply(n);
                if (other != null) {
                    team = other;
                }
            }
            return repliesPage(team, Integer.parseInt(url.queryParameter("page")));
        }
        if (method.equals("GET") && path.equals("/api/workspaces/v1.1/stats")) {
            return dispatchStats(superAdmin ? currentTeam : keyTeam);
        }
        if (method.equals("GET") && path.startsWith("/api/leads/")) {
            long team = superAdmin ? currentTeam : keyTeam;
            String idOrEmail = URLDecoder.decode(path.substring("/api/leads/".length()), StandardCharsets.UTF_8);
            for (Map<String, Object> r : replies.getOrDefault(team, List.of())) {
                @SuppressWarnings("unchecked")
                Map<String, Object> lead = (Map<String, Object>) r.get("lead");
                if (String.valueOf(lead.get("id")).equals(idOrEmail) || lead.get("email").equals(idOrEmail)) {
                    return json(200, Map.of("data", lead));
                }
            }
            return json(404, Map.of("message", "Lead not found."));
        }
        if (method.equals("POST") && path.matches("/api/workspaces/v1\\.1/\\d+/api-tokens")) {
            String name = readBody(request).get("name").asText();
            return json(200, Map.of("data", Map.of("id", 99, "name", name, "plain_text_token", "99|MintedSecretTokenZZZZ9999")));
        }
        return json(404, Map.of("message", "no route " + method + " " + path));
    }

    MockResponse dispatchStats(long team) {
        return json(200, Map.of("data", Map.of("emails_sent", "1,200", "total_leads_contacted", 300,
                    "opened", "0", "unique_replies_per_contact", team, "bounced", "3", "unsubscribed", 1,
                    "interested", String.valueOf(interestedIds(team).size()), "interested_percentage", "1.5")));
    }

    private long staleTeam() {
        staleLeft--;
        return previousTeam;
    }

    MockResponse repliesPage(long team, int page) {
        List<Map<String, Object>> all = replies.getOrDefault(team, List.of());
        int total = all.size();
        int lastPage = Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
        int from = Math.min(total, (page - 1) * PAGE_SIZE);
        int to = Math.min(total, from + PAGE_SIZE);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("current_page", page);
        meta.put("from", from + 1);
        meta.put("last_page", lastPage);
        meta.put("per_page", PAGE_SIZE);
        meta.put("to", to);
        meta.put("total", total);
        return json(200, Map.of("data", new ArrayList<>(all.subList(from, to)), "meta", meta,
                "links", Map.of("first", "x?page=1")));
    }

    static JsonNode readBody(RecordedRequest request) {
        try {
            return JSON.readTree(request.getBody() == null ? "{}" : request.getBody().utf8());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static MockResponse json(int status, Object body) {
        try {
            return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json")
                    .body(JSON.writeValueAsString(body)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static MockResponse raw(int status, String body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body).build();
    }
}
