package io.tenantry.testsupport.grafana;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory stand-in for Grafana's HTTP API (Grafana cannot be installed on our machines), for tests and the
 * demo only — never wired into a service. It answers the subset Tenantry uses as Grafana 12.2's documentation
 * says ({@code grafana.com/docs/grafana/v12.2/developers/http_api/}: org, admin, user, folder, dashboard, data
 * source and search APIs) and <b>checks every request against that contract</b>: method and path, Basic auth of
 * the server admin (else 401), {@code X-Grafana-Org-Id} on organisation-scoped endpoints (missing → 400 here, a
 * stricter answer than Grafana's fallback to the user's current organisation, so a client that forgets it is
 * caught; an organisation the admin is not a member of → 401 as Grafana), JSON bodies with the documented
 * fields (unknown top-level fields and missing required ones → 400), Grafana's dashboard optimistic lock (412
 * {@code version-mismatch}) and name conflicts (409). Each refused request is recorded in {@link #violations()};
 * tests assert it stays empty for a correct client.
 * <p>
 * Test helpers (plain Java, not HTTP) simulate what users do in Grafana: {@link #userEditsDashboard},
 * {@link #signInUser} (a tenant user's first JWT sign-in), {@link #deleteDataSourceBehindOurBack}.
 * {@code /api/ds/query} runs raw InfluxQL queries the way Grafana's backend does: macros expanded, then a GET to the
 * data source's URL with its stored credential (see {@link #dsQuery}).
 */
public final class GrafanaStub implements AutoCloseable {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** The version the stub reports at {@code /api/health} (the documentation the contract comes from). */
    public static final String VERSION = "12.2.0 (tenantry stub)";

    /** An organisation. */
    public static final class Org {
        public final long id;
        public final String name;
        public final Map<Long, String> members = new LinkedHashMap<>();
        public final Map<String, ObjectNode> dataSources = new LinkedHashMap<>();
        public final Map<String, ObjectNode> folders = new LinkedHashMap<>();
        public final Map<String, ObjectNode> dashboards = new LinkedHashMap<>();
        public final Map<String, String> dataSourceSecrets = new LinkedHashMap<>();

        Org(long id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    /** A user. */
    public static final class User {
        public final long id;
        public final String login;
        public final String email;
        public volatile boolean disabled;

        User(long id, String login, String email) {
            this.id = id;
            this.login = login;
            this.email = email;
        }
    }

    private final HttpServer server;
    private final String adminUser;
    private final String adminPassword;
    private final long adminId = 1;
    private final AtomicLong ids = new AtomicLong(100);
    private final Map<Long, Org> orgs = new LinkedHashMap<>();
    private final Map<Long, User> users = new LinkedHashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean down;

    /**
     * Starts the stub on 127.0.0.1.
     *
     * @param port          0 for any free port
     * @param adminUser     the server admin's login
     * @param adminPassword its password
     */
    public GrafanaStub(int port, String adminUser, String adminPassword) throws IOException {
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
        Org main = new Org(1, "Main Org.");
        main.members.put(adminId, "Admin");
        orgs.put(1L, main);
        users.put(adminId, new User(adminId, adminUser, "admin@localhost"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests refused as off-contract ({@code METHOD path: why}); empty for a correct client. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** Every request served ({@code METHOD path}), in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** While true every request answers 503, as a Grafana behind a down proxy would. */
    public void setDown(boolean down) {
        this.down = down;
    }

    /** The organisation of that name, or null. */
    public synchronized Org org(String name) {
        return orgs.values().stream().filter(o -> o.name.equals(name)).findFirst().orElse(null);
    }

    /** A snapshot-free view of the users (read under the stub's lock). */
    public synchronized User user(String login) {
        return users.values().stream().filter(u -> u.login.equals(login)).findFirst().orElse(null);
    }

    /** A user saves a dashboard in the UI: its content changes and its version goes up by one. */
    public synchronized void userEditsDashboard(String orgName, String uid, String newTitle) {
        ObjectNode d = org(orgName).dashboards.get(uid);
        ObjectNode dash = (ObjectNode) d.get("dashboard");
        dash.put("title", newTitle);
        long v = dash.path("version").asLong() + 1;
        dash.put("version", v);
    }

    /** A tenant user signs in for the first time through JWT auth: Grafana creates the user in the organisation. */
    public synchronized long signInUser(String orgName, String login, String role) {
        User u = user(login);
        if (u == null) {
            u = new User(ids.incrementAndGet(), login, login + "@tenant.example");
            users.put(u.id, u);
        }
        org(orgName).members.put(u.id, role);
        return u.id;
    }

    /** Someone removes a data source in Grafana (drift the reconciler must repair). */
    public synchronized void deleteDataSourceBehindOurBack(String orgName, String uid) {
        org(orgName).dataSources.remove(uid);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- HTTP ----

    private record Reply(int status, JsonNode body) {
    }

    private static Reply ok(JsonNode body) {
        return new Reply(200, body);
    }

    private static Reply error(int status, String message) {
        return new Reply(status, JSON.createObjectNode().put("message", message));
    }

    private final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String raw = ex.getRequestURI().getRawPath();
        String path = URLDecoder.decode(raw, StandardCharsets.UTF_8);
        requests.add(method + " " + path);
        Reply reply;
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            if (down) {
                reply = error(503, "Grafana is unavailable (stub set down)");
            } else {
                synchronized (this) {
                    reply = route(ex, method, path, bytes);
                }
            }
        } catch (Refused r) {
            violations.add(method + " " + path + ": " + r.getMessage());
            reply = error(r.status, r.getMessage());
        } catch (RuntimeException e) {
            violations.add(method + " " + path + ": stub error " + e);
            reply = error(500, "stub error: " + e);
        }
        byte[] out = JSON.writeValueAsBytes(reply.body());
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(reply.status(), out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    private Reply route(HttpExchange ex, String method, String path, byte[] bytes) {
        if (method.equals("GET") && path.equals("/api/health")) {
            return ok(JSON.createObjectNode().put("database", "ok").put("version", VERSION).put("commit", "stub"));
        }
        requireAdmin(ex);
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        Matcher m;
        // organisations
        if (method.equals("POST") && path.equals("/api/orgs")) {
            JsonNode b = body(bytes, Set.of("name"), Set.of("name"));
            String name = b.get("name").asString();
            if (org(name) != null) {
                return error(409, "Organization name taken");
            }
            Org o = new Org(ids.incrementAndGet(), name);
            o.members.put(adminId, "Admin"); // the creator becomes Admin of the new organisation
            orgs.put(o.id, o);
            return ok(JSON.createObjectNode().put("orgId", o.id).put("message", "Organization created"));
        }
        if (method.equals("GET") && (m = match("/api/orgs/name/([^/]+)", path)) != null) {
            Org o = org(m.group(1));
            return o == null ? error(404, "Organization not found")
                    : ok(JSON.createObjectNode().put("id", o.id).put("name", o.name));
        }
        if (method.equals("GET") && path.equals("/api/orgs")) {
            ArrayNode a = JSON.createArrayNode();
            orgs.values().forEach(o -> a.addObject().put("id", o.id).put("name", o.name));
            return ok(a);
        }
        if (method.equals("DELETE") && (m = match("/api/orgs/(\\d+)", path)) != null) {
            Org o = orgs.remove(Long.parseLong(m.group(1)));
            return o == null ? error(404, "Failed to delete organization. ID not found")
                    : ok(JSON.createObjectNode().put("message", "Organization deleted"));
        }
        if ((m = match("/api/orgs/(\\d+)/users(?:/(\\d+))?", path)) != null) {
            Org o = orgs.get(Long.parseLong(m.group(1)));
            if (o == null) {
                return error(404, "Organization not found");
            }
            if (method.equals("GET") && m.group(2) == null) {
                ArrayNode a = JSON.createArrayNode();
                o.members.forEach((uid, role) -> {
                    User u = users.get(uid);
                    a.addObject().put("orgId", o.id).put("userId", uid).put("login", u.login).put("email", u.email)
                            .put("role", role);
                });
                return ok(a);
            }
            if (method.equals("POST") && m.group(2) == null) {
                JsonNode b = body(bytes, Set.of("loginOrEmail", "role"), Set.of("loginOrEmail", "role"));
                String role = requireRole(b.get("role").asString());
                User u = users.values().stream().filter(x -> x.login.equals(b.get("loginOrEmail").asString())
                        || x.email.equals(b.get("loginOrEmail").asString())).findFirst().orElse(null);
                if (u == null) {
                    return error(404, "User not found");
                }
                if (o.members.containsKey(u.id)) {
                    return error(409, "User is already member of this organization");
                }
                o.members.put(u.id, role);
                return ok(JSON.createObjectNode().put("message", "User added to organization").put("userId", u.id));
            }
            if (method.equals("PATCH") && m.group(2) != null) {
                JsonNode b = body(bytes, Set.of("role"), Set.of("role"));
                long uid = Long.parseLong(m.group(2));
                if (!o.members.containsKey(uid)) {
                    return error(404, "User not found");
                }
                o.members.put(uid, requireRole(b.get("role").asString()));
                return ok(JSON.createObjectNode().put("message", "Organization user updated"));
            }
        }
        // users
        if (method.equals("POST") && path.equals("/api/admin/users")) {
            JsonNode b = body(bytes, Set.of("name", "email", "login", "password", "OrgId"), Set.of("login", "password"));
            String login = b.get("login").asString();
            if (user(login) != null) {
                return error(412, "User with same email address or login already exists");
            }
            User u = new User(ids.incrementAndGet(), login, b.path("email").asString(login));
            users.put(u.id, u);
            long orgId = b.path("OrgId").asLong(1);
            Org o = orgs.get(orgId);
            if (o == null) {
                return error(400, "organization not found");
            }
            o.members.put(u.id, "Viewer");
            return ok(JSON.createObjectNode().put("id", u.id).put("message", "User created"));
        }
        if (method.equals("GET") && path.equals("/api/users/lookup")) {
            String q = query.get("loginOrEmail");
            if (q == null) {
                throw new Refused(400, "loginOrEmail is required");
            }
            User u = users.values().stream().filter(x -> x.login.equals(q) || x.email.equals(q)).findFirst().orElse(null);
            return u == null ? error(404, "user not found") : ok(userJson(u));
        }
        if (method.equals("POST") && (m = match("/api/admin/users/(\\d+)/(disable|enable)", path)) != null) {
            User u = users.get(Long.parseLong(m.group(1)));
            if (u == null) {
                return error(404, "user not found");
            }
            u.disabled = m.group(2).equals("disable");
            return ok(JSON.createObjectNode().put("message", u.disabled ? "User disabled" : "User enabled"));
        }
        // organisation-scoped
        if (path.startsWith("/api/datasources") || path.startsWith("/api/folders") || path.startsWith("/api/dashboards")
                || path.equals("/api/search") || path.equals("/api/ds/query")) {
            Org o = orgFromHeader(ex);
            return orgScoped(o, method, path, query, bytes);
        }
        throw new Refused(404, "not part of the documented API the stub serves: " + method + " " + path);
    }

    private Reply orgScoped(Org o, String method, String path, Map<String, String> query, byte[] bytes) {
        Matcher m;
        if (path.equals("/api/datasources")) {
            if (method.equals("GET")) {
                ArrayNode a = JSON.createArrayNode();
                o.dataSources.values().forEach(a::add);
                return ok(a);
            }
            if (method.equals("POST")) {
                ObjectNode ds = dataSource(o, bytes, null);
                if (o.dataSources.values().stream().anyMatch(d -> d.get("name").asString().equals(ds.get("name").asString()))) {
                    return error(409, "data source with the same name already exists");
                }
                if (o.dataSources.containsKey(ds.get("uid").asString())) {
                    return error(409, "data source with the same uid already exists");
                }
                ds.put("id", ids.incrementAndGet());
                o.dataSources.put(ds.get("uid").asString(), ds);
                ObjectNode r = JSON.createObjectNode();
                r.set("datasource", ds);
                return ok(r.put("id", ds.get("id").asLong()).put("message", "Datasource added")
                        .put("name", ds.get("name").asString()));
            }
        }
        if ((m = match("/api/datasources/uid/([^/]+)", path)) != null) {
            ObjectNode existing = o.dataSources.get(m.group(1));
            if (existing == null) {
                return error(404, "Data source not found");
            }
            switch (method) {
                case "GET" -> {
                    return ok(existing);
                }
                case "PUT" -> {
                    ObjectNode ds = dataSource(o, bytes, existing);
                    ds.put("id", existing.get("id").asLong());
                    o.dataSources.put(m.group(1), ds);
                    ObjectNode r = JSON.createObjectNode();
                    r.set("datasource", ds);
                    return ok(r.put("id", ds.get("id").asLong()).put("message", "Datasource updated")
                            .put("name", ds.get("name").asString()));
                }
                case "DELETE" -> {
                    o.dataSources.remove(m.group(1));
                    o.dataSourceSecrets.remove(m.group(1));
                    return ok(JSON.createObjectNode().put("message", "Data source deleted"));
                }
                default -> {
                }
            }
        }
        if (path.equals("/api/folders") && method.equals("POST")) {
            JsonNode b = body(bytes, Set.of("uid", "title", "parentUid", "description"), Set.of("title"));
            String uid = b.path("uid").asString("f" + ids.incrementAndGet());
            if (o.folders.containsKey(uid)) {
                return error(409, "a folder with the same uid already exists");
            }
            ObjectNode f = JSON.createObjectNode().put("id", ids.incrementAndGet()).put("uid", uid)
                    .put("title", b.get("title").asString()).put("url", "/dashboards/f/" + uid + "/").put("version", 1);
            o.folders.put(uid, f);
            return ok(f);
        }
        if (method.equals("GET") && (m = match("/api/folders/([^/]+)", path)) != null) {
            ObjectNode f = o.folders.get(m.group(1));
            return f == null ? error(404, "folder not found") : ok(f);
        }
        if (method.equals("POST") && path.equals("/api/dashboards/db")) {
            JsonNode b = body(bytes, Set.of("dashboard", "folderUid", "folderId", "message", "overwrite"), Set.of("dashboard"));
            JsonNode dash = b.get("dashboard");
            if (!dash.isObject() || dash.path("title").asString("").isBlank()) {
                throw new Refused(400, "Dashboard title cannot be empty");
            }
            String uid = dash.path("uid").asString("");
            if (uid.isEmpty() || uid.length() > 40 || !uid.matches("[a-zA-Z0-9_-]+")) {
                throw new Refused(400, "uid must be 1..40 characters of [a-zA-Z0-9-_] here (Tenantry always sets one)");
            }
            String folderUid = b.path("folderUid").asString("");
            if (!folderUid.isEmpty() && !o.folders.containsKey(folderUid)) {
                return error(400, "folder not found");
            }
            ObjectNode existing = o.dashboards.get(uid);
            long version;
            if (existing != null) {
                long saved = existing.get("dashboard").path("version").asLong();
                boolean overwrite = b.path("overwrite").asBoolean(false);
                if (!overwrite && (!dash.has("version") || dash.get("version").asLong() != saved)) {
                    return new Reply(412, JSON.createObjectNode()
                            .put("message", "The dashboard has been changed by someone else").put("status", "version-mismatch"));
                }
                version = saved + 1;
            } else {
                version = 1;
            }
            ObjectNode stored = (ObjectNode) dash.deepCopy();
            stored.put("version", version);
            stored.put("id", existing == null ? ids.incrementAndGet() : existing.get("dashboard").get("id").asLong());
            ObjectNode rec = JSON.createObjectNode();
            rec.set("dashboard", stored);
            rec.put("folderUid", folderUid);
            o.dashboards.put(uid, rec);
            String url = "/d/" + uid + "/" + slug(stored.get("title").asString());
            return ok(JSON.createObjectNode().put("id", stored.get("id").asLong()).put("uid", uid).put("url", url)
                    .put("status", "success").put("version", version).put("slug", slug(stored.get("title").asString())));
        }
        if ((m = match("/api/dashboards/uid/([^/]+)", path)) != null) {
            ObjectNode rec = o.dashboards.get(m.group(1));
            if (rec == null) {
                return error(404, "Dashboard not found");
            }
            JsonNode dash = rec.get("dashboard");
            if (method.equals("GET")) {
                ObjectNode r = JSON.createObjectNode();
                r.set("dashboard", dash);
                r.putObject("meta").put("version", dash.get("version").asLong()).put("folderUid", rec.get("folderUid").asString())
                        .put("url", "/d/" + m.group(1) + "/" + slug(dash.get("title").asString()))
                        .put("slug", slug(dash.get("title").asString())).put("updated", Instant.now().toString());
                return ok(r);
            }
            if (method.equals("DELETE")) {
                o.dashboards.remove(m.group(1));
                return ok(JSON.createObjectNode().put("title", dash.get("title").asString())
                        .put("message", "Dashboard " + dash.get("title").asString() + " deleted").put("id", dash.get("id").asLong()));
            }
        }
        if (method.equals("GET") && path.equals("/api/search")) {
            ArrayNode a = JSON.createArrayNode();
            if (query.getOrDefault("type", "dash-db").equals("dash-db")) {
                o.dashboards.forEach((uid, rec) -> {
                    ObjectNode h = a.addObject().put("uid", uid).put("title", rec.get("dashboard").get("title").asString())
                            .put("type", "dash-db").put("folderUid", rec.get("folderUid").asString());
                    h.set("tags", rec.get("dashboard").path("tags"));
                });
            }
            return ok(a);
        }
        if (method.equals("POST") && path.equals("/api/ds/query")) {
            return dsQuery(o, bytes);
        }
        throw new Refused(404, "not part of the documented API the stub serves: " + method + " " + path);
    }

    /**
     * {@code POST /api/ds/query} for InfluxQL raw queries, as Grafana's backend runs them: the data source's
     * {@code $timeFilter}, {@code $__interval}, {@code $__interval_ms}, {@code $interval} expanded from the request's
     * {@code from}/{@code to}/{@code intervalMs}, then {@code GET <url>/query?db=<dbName>&epoch=ms&q=} with Basic
     * auth from the data source's user and secret. Each {@code results[0]} series becomes a frame (name, columns,
     * tags as labels, row count); an InfluxDB error becomes the query's {@code error}.
     */
    private Reply dsQuery(Org o, byte[] bytes) {
        JsonNode b = body(bytes, Set.of("from", "to", "queries", "debug"), Set.of("from", "to", "queries"));
        long from = Long.parseLong(b.get("from").asString());
        long to = Long.parseLong(b.get("to").asString());
        ObjectNode results = JSON.createObjectNode();
        for (JsonNode q : b.get("queries")) {
            String refId = q.path("refId").asString("A");
            ObjectNode ds = o.dataSources.get(q.path("datasource").path("uid").asString(""));
            if (ds == null) {
                return error(404, "data source not found");
            }
            if (!q.path("rawQuery").asBoolean(false)) {
                throw new Refused(400, "the stub runs only raw InfluxQL queries (rawQuery: true)");
            }
            long intervalMs = q.path("intervalMs").asLong(1000);
            String interval = intervalMs % 3_600_000 == 0 ? intervalMs / 3_600_000 + "h" : intervalMs % 60_000 == 0
                    ? intervalMs / 60_000 + "m" : intervalMs % 1000 == 0 ? intervalMs / 1000 + "s" : intervalMs + "ms";
            String text = q.path("query").asString().replace("$timeFilter", "time >= " + from + "ms and time <= " + to + "ms")
                    .replace("$__interval_ms", Long.toString(intervalMs)).replace("$__interval", interval)
                    .replace("$interval", interval);
            ObjectNode r = results.putObject(refId);
            try {
                String db = ds.path("jsonData").path("dbName").asString(ds.path("database").asString(""));
                String url = ds.get("url").asString().replaceAll("/$", "") + "/query?db="
                        + java.net.URLEncoder.encode(db, StandardCharsets.UTF_8) + "&epoch=ms&q="
                        + java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
                String auth = Base64.getEncoder().encodeToString((ds.path("user").asString("") + ":"
                        + o.dataSourceSecrets.getOrDefault(ds.get("uid").asString(), "")).getBytes(StandardCharsets.UTF_8));
                java.net.http.HttpResponse<String> resp = java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).GET()
                                .header("Authorization", "Basic " + auth).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                JsonNode answer = JSON.readTree(resp.body());
                JsonNode first = answer.path("results").path(0);
                String err = answer.hasNonNull("error") ? answer.get("error").asString()
                        : first.hasNonNull("error") ? first.get("error").asString() : null;
                if (err != null || resp.statusCode() >= 400) {
                    r.put("status", 400).put("error", err != null ? err : "data source answered " + resp.statusCode());
                    continue;
                }
                r.put("status", 200);
                ArrayNode frames = r.putArray("frames");
                for (JsonNode series : first.path("series")) {
                    ObjectNode f = frames.addObject();
                    ObjectNode schema = f.putObject("schema");
                    schema.put("name", series.path("name").asString());
                    ArrayNode fields = schema.putArray("fields");
                    for (JsonNode c : series.path("columns")) {
                        ObjectNode field = fields.addObject().put("name", c.asString());
                        if (series.has("tags")) {
                            field.set("labels", series.get("tags"));
                        }
                    }
                    ArrayNode columns = f.putObject("data").putArray("values");
                    for (int i = 0; i < series.path("columns").size(); i++) {
                        ArrayNode col = columns.addArray();
                        for (JsonNode row : series.path("values")) {
                            col.add(row.path(i));
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                r.put("status", 500).put("error", "data source did not answer: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r.put("status", 500).put("error", "interrupted");
            }
        }
        return ok(JSON.createObjectNode().set("results", results));
    }

    private ObjectNode dataSource(Org o, byte[] bytes, ObjectNode existing) {
        JsonNode b = body(bytes, Set.of("uid", "name", "type", "access", "url", "user", "database", "basicAuth",
                "basicAuthUser", "withCredentials", "isDefault", "jsonData", "secureJsonData", "version", "readOnly"),
                Set.of("name", "type", "access"));
        String type = b.get("type").asString();
        String access = b.get("access").asString();
        if (!Set.of("proxy", "direct").contains(access)) {
            throw new Refused(400, "access must be proxy or direct");
        }
        ObjectNode ds = JSON.createObjectNode();
        String uid = b.path("uid").asString(existing == null ? "ds" + ids.incrementAndGet() : existing.get("uid").asString());
        ds.put("uid", uid).put("orgId", o.id).put("name", b.get("name").asString()).put("type", type)
                .put("access", access).put("url", b.path("url").asString("")).put("user", b.path("user").asString(""))
                .put("database", b.path("database").asString("")).put("basicAuth", b.path("basicAuth").asBoolean(false))
                .put("isDefault", b.path("isDefault").asBoolean(false)).put("readOnly", false);
        ds.set("jsonData", b.path("jsonData").isObject() ? b.get("jsonData") : JSON.createObjectNode());
        if (type.equals("influxdb")) {
            JsonNode jd = ds.get("jsonData");
            if (!jd.path("version").asString("InfluxQL").equals("InfluxQL")) {
                throw new Refused(400, "Tenantry's data sources are InfluxQL");
            }
            if (jd.path("dbName").asString("").isEmpty() && b.path("database").asString("").isEmpty()) {
                throw new Refused(400, "an InfluxQL data source needs jsonData.dbName");
            }
            if (!Set.of("", "GET", "POST").contains(jd.path("httpMode").asString(""))) {
                throw new Refused(400, "jsonData.httpMode must be GET or POST");
            }
        }
        JsonNode secure = b.path("secureJsonData");
        ObjectNode fields = ds.putObject("secureJsonFields");
        if (secure.isObject() && secure.has("password")) {
            o.dataSourceSecrets.put(uid, secure.get("password").asString());
        }
        if (o.dataSourceSecrets.containsKey(uid)) {
            fields.put("password", true);
        }
        return ds;
    }

    /** The secret the data source holds (test helper; Grafana never returns it over HTTP). */
    public synchronized String dataSourceSecret(String orgName, String uid) {
        return org(orgName).dataSourceSecrets.get(uid);
    }

    private void requireAdmin(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        String expected = "Basic " + Base64.getEncoder().encodeToString((adminUser + ":" + adminPassword)
                .getBytes(StandardCharsets.UTF_8));
        if (h == null || !h.equals(expected)) {
            throw new Refused(401, "Unauthorized");
        }
    }

    private Org orgFromHeader(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst("X-Grafana-Org-Id");
        if (h == null) {
            throw new Refused(400, "X-Grafana-Org-Id missing on an organisation-scoped request (the stub insists)");
        }
        Org o;
        try {
            o = orgs.get(Long.parseLong(h));
        } catch (NumberFormatException e) {
            throw new Refused(400, "X-Grafana-Org-Id is not a number");
        }
        if (o == null || !o.members.containsKey(adminId)) {
            throw new Refused(401, "Access denied to organization " + h);
        }
        return o;
    }

    private static String requireRole(String role) {
        if (!Set.of("Admin", "Editor", "Viewer", "None").contains(role)) {
            throw new IllegalArgumentException("role");
        }
        return role;
    }

    private JsonNode body(byte[] bytes, Set<String> allowed, Set<String> required) {
        JsonNode b;
        try {
            b = JSON.readTree(bytes);
        } catch (RuntimeException e) {
            throw new Refused(400, "bad request data: body is not JSON");
        }
        if (b == null || !b.isObject()) {
            throw new Refused(400, "bad request data: body must be a JSON object");
        }
        for (String name : b.propertyNames()) {
            if (!allowed.contains(name)) {
                throw new Refused(400, "field '" + name + "' is not in the documented body");
            }
        }
        for (String r : required) {
            if (!b.hasNonNull(r)) {
                throw new Refused(400, "field '" + r + "' is required");
            }
        }
        return b;
    }

    private static Matcher match(String regex, String path) {
        Matcher m = Pattern.compile(regex).matcher(path);
        return m.matches() ? m : null;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) {
            return q;
        }
        for (String kv : raw.split("&")) {
            int i = kv.indexOf('=');
            String k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
            String v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
            if (q.putIfAbsent(k, v) != null) {
                throw new IllegalArgumentException("duplicate query parameter " + k);
            }
        }
        return q;
    }

    private static ObjectNode userJson(User u) {
        return JSON.createObjectNode().put("id", u.id).put("login", u.login).put("email", u.email)
                .put("isDisabled", u.disabled);
    }

    private static String slug(String title) {
        return title.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
