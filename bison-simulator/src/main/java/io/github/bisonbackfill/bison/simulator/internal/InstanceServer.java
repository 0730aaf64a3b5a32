package io.github.bisonbackfill.bison.simulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.bisonbackfill.bison.CustomVariable;
import io.github.bisonbackfill.bison.Workspace;
import io.github.bisonbackfill.bison.simulator.Endpoint;
import io.github.bisonbackfill.bison.simulator.Fault;
import io.github.bisonbackfill.bison.simulator.FaultKind;
import io.github.bisonbackfill.bison.simulator.RecordedRequest;
import io.github.bisonbackfill.bison.simulator.RequestInfo;
import io.github.bisonbackfill.bison.simulator.RetryAfterMode;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP face of one simulated instance: a JDK {@link HttpServer} on a free loopback port serving
 * the Email Bison endpoints the library uses, with auth, rate limits, latency, faults and the
 * request log.
 */
public final class InstanceServer implements AutoCloseable {

    /** Email Bison's fixed page size (it ignores {@code per_page}). */
    public static final int PAGE_SIZE = 15;

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern MINT = Pattern.compile("/api/workspaces/v1\\.1/([^/]+)/api-tokens");
    private static final Pattern LEAD = Pattern.compile("/api/leads/([^/]+)");
    private static final Set<String> STATUSES = Set.of("interested", "automated_reply", "not_automated_reply");
    private static final Set<String> FOLDERS = Set.of("inbox", "sent", "spam", "bounced", "all");

    private final InstanceState state;
    private final FaultRegistry faults;
    private final RequestLog log;
    private final ObjectMapper mapper;
    private final HttpServer server;
    private final String baseUrl;

    private record Route(Endpoint endpoint, @Nullable String param, boolean wrongMethod) {
    }

    private record Response(int status, byte[] body, String contentType, Map<String, String> headers) {
        static Response json(int status, byte[] body) {
            return new Response(status, body, "application/json", new LinkedHashMap<>());
        }
    }

    /** Thrown inside a handler to drop the connection. */
    private static final class DropConnection extends RuntimeException {
        DropConnection() {
            super(null, null, false, false);
        }
    }

    /**
     * Starts serving.
     *
     * @param state    the instance
     * @param faults   the shared fault registry
     * @param log      the shared request log
     * @param mapper   the shared JSON mapper
     * @param executor the shared handler executor
     * @throws UncheckedIOException if no loopback port can be bound
     */
    public InstanceServer(InstanceState state, FaultRegistry faults, RequestLog log, ObjectMapper mapper,
                          ExecutorService executor) {
        this.state = state;
        this.faults = faults;
        this.log = log;
        this.mapper = mapper;
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port for instance " + state.name(), e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        this.baseUrl = "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** @return {@code http://127.0.0.1:<port>} (no {@code /api}) */
    public String baseUrl() {
        return baseUrl;
    }

    /** @return the port */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ------------------------------------------------------------------ pipeline

    private void handle(HttpExchange ex) {
        state.requestStarted();
        try {
            serve(ex);
        } catch (DropConnection e) {
            // closing below without having sent headers makes the JDK server drop the connection
        } catch (RuntimeException | IOException e) {
            // a client that hung up, or a simulator bug: nothing sensible to send anymore
        } finally {
            state.requestDone();
            ex.close();
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        URI uri = ex.getRequestURI();
        String path = decode(uri.getRawPath() == null ? "/" : uri.getRawPath());
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String rawQuery = uri.getRawQuery();
        Map<String, String> query = parseForm(rawQuery);
        byte[] requestBody = ex.getRequestBody().readAllBytes();
        boolean wantsJson = wantsJson(ex.getRequestHeaders().getFirst("Accept"));
        Route route = route(method, path);
        if (route.endpoint() == Endpoint.SWITCH_WORKSPACE) {
            state.countSwitchRequest();
        }

        RequestInfo anonymous = new RequestInfo(state.name(), method, path, route.endpoint(), query, null, null);
        // Latency models the network and the server's work: every answer waits, 401s and 429s included;
        // the rate-limit decision is taken at arrival.
        Duration latency = state.drawLatency();
        if (route.endpoint() == Endpoint.OTHER) {
            sleep(latency);
            Response r = route.wrongMethod()
                    ? error(405, "The " + method + " method is not supported for route " + path.substring(1) + ".")
                    : error(404, "Not Found");
            send(ex, laravelContentNegotiation(r, wantsJson), anonymous, null, null);
            return;
        }
        ApiKey key = state.authenticate(ex.getRequestHeaders().getFirst("Authorization"));
        if (key == null) {
            sleep(latency);
            send(ex, laravelContentNegotiation(error(401, "Unauthenticated."), wantsJson), anonymous, null, null);
            return;
        }
        Duration wait = state.admit(key);
        if (!wait.isZero()) {
            sleep(latency);
            RequestInfo info = info(method, path, route, query, key);
            send(ex, tooManyAttempts(state.settings().retryAfterMode(), wait), info, key, null);
            return;
        }
        sleep(latency);

        RequestInfo info = info(method, path, route, query, key);
        Fault fault = faults.take(info, state::hitsFaultRule);
        // The background mix is drawn for every admitted request (programmed rules take precedence),
        // so its sequence does not depend on which programmed rules fired.
        Fault background = state.drawBackgroundFault();
        if (fault == null) {
            fault = background;
        }
        if (fault != null) {
            state.countFault();
            switch (fault.kind()) {
                case DROP_CONNECTION -> {
                    record(info, key, 0, fault);
                    throw new DropConnection();
                }
                case STATUS -> {
                    send(ex, statusFault(fault.status()), info, key, fault);
                    return;
                }
                case HTML_ERROR_PAGE -> {
                    send(ex, html(fault.status(), "Server Error"), info, key, fault);
                    return;
                }
                case RATE_LIMITED -> {
                    send(ex, tooManyAttempts(fault.retryAfterMode(), fault.delay()), info, key, fault);
                    return;
                }
                case SLOW_RESPONSE -> {
                    sleep(fault.delay());
                    info = info(method, path, route, query, key);
                }
                default -> {
                    // TRUNCATED_JSON and CONTROL_CHARACTERS corrupt the normal response below
                }
            }
        }
        Response response = dispatch(route, key, info, query, requestBody, ex.getRequestHeaders().getFirst("Content-Type"));
        response = laravelContentNegotiation(response, wantsJson);
        if (fault != null && fault.kind() == FaultKind.TRUNCATED_JSON) {
            byte[] b = response.body();
            byte[] cut = java.util.Arrays.copyOf(b, Math.max(1, b.length / 2));
            response = new Response(200, cut, response.contentType(), response.headers());
        } else if (fault != null && fault.kind() == FaultKind.CONTROL_CHARACTERS) {
            response = new Response(response.status(), withRawControlCharacters(response.body()),
                    response.contentType(), response.headers());
        }
        if (route.endpoint() == Endpoint.REPLIES && info.page() == 1 && response.status() == 200) {
            // Replies arriving during a scan: added before page 1 is written, so later pages shift.
            state.maybeArrive(info.workspaceId());
        }
        if (key.bucket() != null) {
            response.headers().put("X-RateLimit-Limit", String.valueOf(state.settings().keyBurst()));
            response.headers().put("X-RateLimit-Remaining", String.valueOf(key.bucket().remaining()));
        }
        for (Runnable action : faults.takeTriggers(info)) {
            action.run();
        }
        send(ex, response, info, key, fault);
    }

    private RequestInfo info(String method, String path, Route route, Map<String, String> query, ApiKey key) {
        long ws = route.endpoint() == Endpoint.USERS ? state.usersWorkspace(key) : state.dataWorkspace(key);
        return new RequestInfo(state.name(), method, path, route.endpoint(), query, key.id(), ws);
    }

    private static Route route(String method, String path) {
        Endpoint e;
        String param = null;
        String expected;
        switch (path) {
            case "/api/users" -> {
                e = Endpoint.USERS;
                expected = "GET";
            }
            case "/api/workspaces/v1.1", "/api/workspaces" -> {
                e = Endpoint.WORKSPACES;
                expected = "GET";
            }
            case "/api/workspaces/v1.1/switch-workspace" -> {
                e = Endpoint.SWITCH_WORKSPACE;
                expected = "POST";
            }
            case "/api/workspaces/v1.1/stats" -> {
                e = Endpoint.STATS;
                expected = "GET";
            }
            case "/api/replies" -> {
                e = Endpoint.REPLIES;
                expected = "GET";
            }
            default -> {
                Matcher m = MINT.matcher(path);
                Matcher l = LEAD.matcher(path);
                if (m.matches()) {
                    e = Endpoint.MINT_API_TOKEN;
                    param = m.group(1);
                    expected = "POST";
                } else if (l.matches()) {
                    e = Endpoint.LEAD;
                    param = l.group(1);
                    expected = "GET";
                } else {
                    return new Route(Endpoint.OTHER, null, false);
                }
            }
        }
        if (!expected.equals(method)) {
            return new Route(Endpoint.OTHER, null, true);
        }
        return new Route(e, param, false);
    }

    private Response dispatch(Route route, ApiKey key, RequestInfo info, Map<String, String> query, byte[] body,
                              @Nullable String contentType) throws IOException {
        return switch (route.endpoint()) {
            case USERS -> users(key, info.workspaceId());
            case WORKSPACES -> key.superAdmin() ? workspaces() : forbidden();
            case SWITCH_WORKSPACE -> key.superAdmin() ? switchWorkspace(input(query, body, contentType)) : forbidden();
            case MINT_API_TOKEN -> key.superAdmin() ? mint(route.param(), input(query, body, contentType)) : forbidden();
            case STATS -> stats(info.workspaceId(), query);
            case REPLIES -> replies(info.workspaceId(), info.page(), query);
            case LEAD -> lead(info.workspaceId(), route.param());
            case OTHER -> error(404, "Not Found");
        };
    }

    // ------------------------------------------------------------------ endpoints

    private Response users(ApiKey key, long workspaceId) throws IOException {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", state.user().id());
        user.put("name", state.user().name());
        user.put("email", state.user().email());
        user.put("email_verified_at", "2024-01-02T10:00:00.000000Z");
        user.put("current_team_id", workspaceId);
        user.put("profile_photo_url", "https://ui-avatars.com/api/?name=admin");
        user.put("team", workspaceJson(state.workspace(workspaceId).orElseThrow()));
        return ok(Map.of("data", user));
    }

    private Response workspaces() throws IOException {
        List<Object> list = new ArrayList<>();
        for (Workspace w : state.workspaces()) {
            list.add(workspaceJson(w));
        }
        return ok(Map.of("data", list));
    }

    private Map<String, @Nullable Object> workspaceJson(Workspace w) {
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        m.put("id", w.id());
        m.put("name", w.name());
        m.put("personal_team", false);
        m.put("main", w.id() == state.workspaces().get(0).id());
        m.put("parent_id", null);
        String created = TIMESTAMP.format(state.workspaceCreatedAt(w.id()));
        m.put("created_at", created);
        m.put("updated_at", created);
        return m;
    }

    private Response switchWorkspace(JsonNode input) throws IOException {
        JsonNode teamId = input.get("team_id");
        if (teamId == null || teamId.isNull() || teamId.asText().isBlank()) {
            return validation("team_id", "The team id field is required.");
        }
        Long id = asLong(teamId);
        Optional<Workspace> target = id == null ? Optional.empty() : state.workspace(id);
        if (target.isEmpty()) {
            return validation("team_id", "The selected team id is invalid.");
        }
        state.switchUser(id, false);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", target.get().name());
        data.put("id", target.get().id());
        return ok(Map.of("data", data));
    }

    private Response mint(String workspaceParam, JsonNode input) throws IOException {
        Long id = asLong(mapper.getNodeFactory().textNode(workspaceParam));
        if (id == null || state.workspace(id).isEmpty()) {
            return error(404, "No query results for model [App\\Models\\Team] " + workspaceParam);
        }
        JsonNode name = input.get("name");
        if (name == null || name.isNull() || name.asText().isBlank()) {
            return validation("name", "The name field is required.");
        }
        ApiKey key = state.mintApiUserKey(id, name.asText());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", key.id());
        data.put("name", key.name());
        data.put("plain_text_token", key.token());
        data.put("abilities", List.of("*"));
        data.put("created_at", TIMESTAMP.format(state.settings().clock().instant()));
        return ok(Map.of("data", data));
    }

    private Response stats(long workspaceId, Map<String, String> query) throws IOException {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        LocalDate start = date(query, "start_date", errors);
        LocalDate end = date(query, "end_date", errors);
        if (start != null && end != null && end.isBefore(start)) {
            errors.put("end_date", List.of("The end date field must be a date after or equal to start date."));
        }
        if (!errors.isEmpty()) {
            return validation(errors);
        }
        Instant from = start.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = end.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<SimReply> inRange = state.replies(workspaceId,
                r -> !r.dateReceived().isBefore(from) && r.dateReceived().isBefore(to));
        long interested = inRange.stream().filter(SimReply::interested).count();
        Set<Object> contacts = new HashSet<>();
        for (SimReply r : inRange) {
            if (!r.automated()) {
                // A reply without a from-address (a bad-address reply) counts as the contact "".
                contacts.add(r.lead() != null ? (Object) r.lead().id()
                        : (r.fromEmail() == null ? "" : r.fromEmail()).trim().toLowerCase(Locale.ROOT));
            }
        }
        long uniqueReplies = contacts.size();
        long contacted = inRange.size() * 9L + 3;
        long sent = contacted * 3;
        long opened = sent * 2 / 5;
        long bounced = contacted / 50;
        long unsubscribed = contacted / 120;
        Map<String, Object> data = new LinkedHashMap<>();
        stat(data, "emails_sent", sent, sent);
        stat(data, "total_leads_contacted", contacted, contacted);
        stat(data, "opened", opened, contacted);
        stat(data, "unique_replies_per_contact", uniqueReplies, contacted);
        stat(data, "bounced", bounced, contacted);
        stat(data, "unsubscribed", unsubscribed, contacted);
        stat(data, "interested", interested, contacted);
        return ok(Map.of("data", data));
    }

    private static void stat(Map<String, Object> data, String name, long value, long base) {
        data.put(name, String.valueOf(value));
        double pct = base == 0 ? 0 : value * 100.0 / base;
        data.put(name + "_percentage", String.format(Locale.ROOT, "%.2f", pct));
    }

    private static @Nullable LocalDate date(Map<String, String> query, String field, Map<String, List<String>> errors) {
        String v = query.get(field);
        String label = field.replace('_', ' ');
        if (v == null || v.isBlank()) {
            errors.put(field, List.of("The " + label + " field is required."));
            return null;
        }
        try {
            return LocalDate.parse(v.trim());
        } catch (DateTimeParseException e) {
            errors.put(field, List.of("The " + label + " field must be a valid date."));
            return null;
        }
    }

    private Response replies(long workspaceId, int page, Map<String, String> query) throws IOException {
        String status = query.get("status");
        String folder = query.get("folder");
        if (status != null && !status.isEmpty() && !STATUSES.contains(status)) {
            return validation("status", "The selected status is invalid.");
        }
        if (folder != null && !folder.isEmpty() && !FOLDERS.contains(folder.toLowerCase(Locale.ROOT))) {
            return validation("folder", "The selected folder is invalid.");
        }
        Predicate<SimReply> filter = r -> true;
        if ("interested".equals(status)) {
            filter = filter.and(SimReply::interested);
        } else if ("automated_reply".equals(status)) {
            filter = filter.and(SimReply::automated);
        } else if ("not_automated_reply".equals(status)) {
            filter = filter.and(r -> !r.automated());
        }
        // The default folder is undocumented: the simulator takes the strict reading (Inbox only), so
        // a client that does not send folder=all misses the replies filed elsewhere.
        String f = folder == null || folder.isEmpty() ? "inbox" : folder.toLowerCase(Locale.ROOT);
        if (!f.equals("all")) {
            filter = filter.and(r -> r.folder().equalsIgnoreCase(f));
        }
        Boolean read = bool(query.get("read"));
        if (read != null) {
            filter = filter.and(r -> r.read() == read);
        }
        Long campaign = asLong(query.get("campaign_id"));
        if (campaign != null) {
            filter = filter.and(r -> campaign.equals(r.campaignId()));
        }
        Long sender = asLong(query.get("sender_email_id"));
        if (sender != null) {
            filter = filter.and(r -> r.senderEmailId() == sender);
        }
        Long leadId = asLong(query.get("lead_id"));
        if (leadId != null) {
            filter = filter.and(r -> r.lead() != null && r.lead().id() == leadId);
        }
        List<SimReply> all = state.servedReplies(workspaceId, filter);
        int total = all.size();
        int lastPage = Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
        int fromIdx = (page - 1) * PAGE_SIZE;
        List<Object> data = new ArrayList<>();
        for (int i = fromIdx; i < Math.min(total, fromIdx + PAGE_SIZE); i++) {
            data.add(replyJson(all.get(i)));
        }
        String path = baseUrl + "/api/replies";
        Map<String, @Nullable Object> links = new LinkedHashMap<>();
        links.put("first", path + "?page=1");
        links.put("last", path + "?page=" + lastPage);
        links.put("prev", page > 1 ? path + "?page=" + (page - 1) : null);
        links.put("next", page < lastPage ? path + "?page=" + (page + 1) : null);
        List<Object> metaLinks = new ArrayList<>();
        metaLinks.add(metaLink(page > 1 ? path + "?page=" + (page - 1) : null, "&laquo; Previous", false));
        for (int p = 1; p <= lastPage; p++) {
            metaLinks.add(metaLink(path + "?page=" + p, String.valueOf(p), p == page));
        }
        metaLinks.add(metaLink(page < lastPage ? path + "?page=" + (page + 1) : null, "Next &raquo;", false));
        Map<String, @Nullable Object> meta = new LinkedHashMap<>();
        meta.put("current_page", page);
        meta.put("from", data.isEmpty() ? null : fromIdx + 1);
        meta.put("last_page", lastPage);
        meta.put("links", metaLinks);
        meta.put("path", path);
        meta.put("per_page", PAGE_SIZE);
        meta.put("to", data.isEmpty() ? null : fromIdx + data.size());
        meta.put("total", total);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("links", links);
        body.put("meta", meta);
        return ok(body);
    }

    private static Map<String, @Nullable Object> metaLink(@Nullable String url, String label, boolean active) {
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        m.put("url", url);
        m.put("label", label);
        m.put("active", active);
        return m;
    }

    private Map<String, @Nullable Object> replyJson(SimReply r) {
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("uuid", r.uuid());
        m.put("folder", r.folder());
        m.put("subject", r.subject());
        m.put("read", r.read());
        m.put("interested", r.interested());
        m.put("automated_reply", r.automated());
        m.put("html_body", r.htmlBody());
        m.put("text_body", r.textBody());
        m.put("raw_body", r.rawBody());
        m.put("headers", null);
        m.put("date_received", TIMESTAMP.format(r.dateReceived()));
        m.put("type", r.tracked() ? "Tracked Reply" : "Untracked Reply");
        m.put("tracked_reply", r.tracked());
        m.put("scheduled_email_id", r.scheduledEmailId());
        m.put("campaign_id", r.campaignId());
        m.put("lead_id", r.lead() == null ? null : r.lead().id());
        m.put("sender_email_id", r.senderEmailId());
        m.put("raw_message_id", "<" + r.uuid() + "@mail.example>");
        m.put("from_name", r.fromName());
        if (r.fromEmail() != null) {
            // A reply without a from-address (only bad-address replies): the key is absent, not null.
            m.put("from_email_address", r.fromEmail());
        }
        m.put("primary_to_email_address", r.toAddress());
        m.put("to", List.of(Map.of("name", r.toName(), "address", r.toAddress())));
        m.put("cc", null);
        m.put("bcc", null);
        m.put("parent_id", null);
        m.put("attachments", List.of());
        m.put("tags", List.of());
        m.put("created_at", TIMESTAMP.format(r.createdAt()));
        m.put("updated_at", TIMESTAMP.format(r.updatedAt()));
        if (r.lead() != null) {
            m.put("lead", r.minimalLead() ? minimalLeadJson(r.lead()) : leadJson(r.lead(), false));
        } else {
            m.put("lead", null);
        }
        return m;
    }

    private static Map<String, Object> minimalLeadJson(SimLead l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", l.id());
        m.put("email", l.email());
        return m;
    }

    private Map<String, @Nullable Object> leadJson(SimLead l, boolean withStats) {
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        m.put("id", l.id());
        m.put("uuid", l.uuid());
        m.put("first_name", l.firstName());
        m.put("last_name", l.lastName());
        m.put("email", l.email());
        m.put("title", l.title());
        m.put("company", l.company());
        m.put("notes", l.notes());
        m.put("status", l.status());
        List<Object> vars = new ArrayList<>();
        for (CustomVariable v : l.customVariables()) {
            Map<String, @Nullable Object> cv = new LinkedHashMap<>();
            cv.put("name", v.name());
            cv.put("value", v.value());
            vars.add(cv);
        }
        m.put("custom_variables", vars);
        m.put("lead_campaign_data", List.of());
        if (withStats) {
            int replies = state.replyCount(l);
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("emails_sent", 3);
            stats.put("opens", 2);
            stats.put("unique_opens", 1);
            stats.put("replies", replies);
            stats.put("unique_replies", Math.min(1, replies));
            m.put("overall_stats", stats);
        }
        m.put("created_at", TIMESTAMP.format(l.createdAt()));
        m.put("updated_at", TIMESTAMP.format(l.createdAt()));
        return m;
    }

    private Response lead(long workspaceId, String idOrEmail) throws IOException {
        Optional<SimLead> lead = state.lead(idOrEmail);
        if (lead.isEmpty()) {
            return error(404, "No query results for model [App\\Models\\Lead] " + idOrEmail);
        }
        if (lead.get().workspaceId() != workspaceId) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("success", false);
            data.put("message", "The api key does not match the workspace the record is on");
            return Response.json(403, mapper.writeValueAsBytes(Map.of("data", data)));
        }
        return ok(Map.of("data", leadJson(lead.get(), true)));
    }

    // ------------------------------------------------------------------ responses

    private Response ok(Object body) throws IOException {
        return Response.json(200, mapper.writeValueAsBytes(body));
    }

    private Response error(int status, String message) throws IOException {
        return Response.json(status, mapper.writeValueAsBytes(Map.of("message", message)));
    }

    private Response forbidden() throws IOException {
        return error(403, "This action is unauthorized.");
    }

    private Response validation(String field, String message) throws IOException {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        errors.put(field, List.of(message));
        return validation(errors);
    }

    private Response validation(Map<String, List<String>> errors) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        String first = errors.values().iterator().next().get(0);
        body.put("message", errors.size() > 1 ? first + " (and " + (errors.size() - 1) + " more error)" : first);
        body.put("errors", errors);
        return Response.json(422, mapper.writeValueAsBytes(body));
    }

    private Response tooManyAttempts(RetryAfterMode mode, Duration wait) throws IOException {
        Response r = error(429, "Too Many Attempts.");
        long seconds = Math.max(1, (wait.toNanos() + 999_999_999L) / 1_000_000_000L);
        switch (state.resolveRetryAfter(mode)) {
            case SECONDS -> r.headers().put("Retry-After", String.valueOf(seconds));
            case HTTP_DATE -> r.headers().put("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(state.settings().clock().instant().plusSeconds(seconds).atOffset(ZoneOffset.UTC)));
            case NONE, MIXED -> {
            }
        }
        r.headers().put("X-RateLimit-Remaining", "0");
        return r;
    }

    private Response statusFault(int status) throws IOException {
        return switch (status) {
            case 500 -> error(500, "Server Error");
            case 503 -> error(503, "Service Unavailable");
            case 502 -> nginx(502, "Bad Gateway");
            case 504 -> nginx(504, "Gateway Time-out");
            default -> error(status, "Error " + status);
        };
    }

    private static Response nginx(int status, String reason) {
        String body = "<html>\r\n<head><title>" + status + " " + reason + "</title></head>\r\n<body>\r\n<center><h1>"
                + status + " " + reason + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        return new Response(status, body.getBytes(StandardCharsets.UTF_8), "text/html", new LinkedHashMap<>());
    }

    private static Response html(int status, String title) {
        String body = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>" + title
                + "</title></head>\n<body><div class=\"flex-center\"><div class=\"code\">" + status
                + "</div><div class=\"message\">" + title + "</div></div></body>\n</html>\n";
        return new Response(status, body.getBytes(StandardCharsets.UTF_8), "text/html; charset=UTF-8",
                new LinkedHashMap<>());
    }

    /**
     * Laravel answers errors for clients that do not accept JSON the browser way: 401 and 422 become
     * redirects (to the login page, or back), other errors an HTML page.
     */
    private Response laravelContentNegotiation(Response r, boolean wantsJson) {
        if (wantsJson || r.status() < 400) {
            return r;
        }
        if (r.status() == 401 || r.status() == 422) {
            String location = r.status() == 401 ? baseUrl + "/login" : baseUrl + "/";
            Response redirect = html(302, "Redirecting to " + location);
            redirect.headers().put("Location", location);
            return redirect;
        }
        return html(r.status(), r.status() == 404 ? "Not Found" : "Server Error");
    }

    private static byte[] withRawControlCharacters(byte[] json) {
        String s = new String(json, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(s.length() + 16);
        // Turn every escaped control character back into the raw character...
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 5 < s.length() && s.charAt(i + 1) == 'u' && s.startsWith("00", i + 2)) {
                int code = Integer.parseInt(s.substring(i + 4, i + 6), 16);
                if (code < 0x20) {
                    out.append((char) code);
                    i += 5;
                    continue;
                }
            }
            if (c == '\\' && i + 1 < s.length()) {
                out.append(c).append(s.charAt(i + 1));
                i++;
                continue;
            }
            out.append(c);
        }
        String raw = "\u0001\u0007\u001f\n";
        String result = out.toString();
        // ...and make sure there is at least one, inside reply bodies when the response has any.
        if (result.contains("\"text_body\":\"")) {
            result = result.replace("\"text_body\":\"", "\"text_body\":\"" + raw);
        } else {
            int at = result.indexOf("\":\"");
            result = at < 0 ? result.replaceFirst("\\{", "{\"" + raw + "\":1,")
                    : result.substring(0, at + 3) + raw + result.substring(at + 3);
        }
        return result.getBytes(StandardCharsets.UTF_8);
    }

    private void send(HttpExchange ex, Response r, RequestInfo info, @Nullable ApiKey key, @Nullable Fault fault) throws IOException {
        if (r.status() == 429) {
            state.countRateLimited();
        }
        ex.getResponseHeaders().set("Content-Type", r.contentType());
        ex.getResponseHeaders().set("Cache-Control", "no-cache, private");
        for (Map.Entry<String, String> h : r.headers().entrySet()) {
            ex.getResponseHeaders().set(h.getKey(), h.getValue());
        }
        record(info, key, r.status(), fault);
        byte[] body = r.body();
        ex.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    private void record(RequestInfo info, @Nullable ApiKey key, int status, @Nullable Fault fault) {
        log.add(new RecordedRequest(state.name(), info.method(), info.path(), queryString(info.query()),
                info.endpoint(), key == null ? null : key.id(), key != null && key.superAdmin(),
                info.workspaceId(), status, fault == null ? null : fault.toString(), state.settings().clock().instant()));
    }

    // ------------------------------------------------------------------ parsing helpers

    private static String queryString(Map<String, String> query) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(query).entrySet()) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    private JsonNode input(Map<String, String> query, byte[] body, @Nullable String contentType) {
        com.fasterxml.jackson.databind.node.ObjectNode merged = mapper.createObjectNode();
        query.forEach(merged::put);
        if (body.length > 0) {
            if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("x-www-form-urlencoded")) {
                parseForm(new String(body, StandardCharsets.UTF_8)).forEach(merged::put);
            } else {
                try {
                    JsonNode node = mapper.readTree(body);
                    if (node != null && node.isObject()) {
                        merged.setAll((com.fasterxml.jackson.databind.node.ObjectNode) node);
                    }
                } catch (IOException e) {
                    // Laravel treats an unparsable JSON body as no input at all: validation answers.
                }
            }
        }
        return merged;
    }

    private static @Nullable Long asLong(JsonNode n) {
        if (n.isIntegralNumber()) {
            return n.asLong();
        }
        return asLong(n.asText());
    }

    private static @Nullable Long asLong(@Nullable String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static @Nullable Boolean bool(@Nullable String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> null;
        };
    }

    private static boolean wantsJson(@Nullable String accept) {
        return accept != null && (accept.contains("/json") || accept.contains("+json"));
    }

    private static Map<String, String> parseForm(@Nullable String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String decode(String raw) {
        // Path segments: '+' is literal, only %XX is decoded.
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void sleep(Duration d) {
        if (d.isZero() || d.isNegative()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DropConnection();
        }
    }
}
