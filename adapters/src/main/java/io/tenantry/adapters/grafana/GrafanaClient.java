package io.tenantry.adapters.grafana;

import io.tenantry.core.error.UnavailableException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Grafana's HTTP API as the Tenantry provisioning needs it, with the server admin's Basic credential (the
 * provisioning user of {@code grafana/README.md}). The contract is Grafana's documented HTTP API of
 * <b>Grafana 12.2</b> ({@code grafana.com/docs/grafana/v12.2/developers/http_api/}: org, admin, user, folder,
 * dashboard, data source, search, {@code /api/ds/query}); the same endpoints exist unchanged since 9.x.
 * Organisation-scoped calls (data sources, folders, dashboards, search, queries) carry {@code X-Grafana-Org-Id};
 * the server admin is a member of every organisation it creates (Grafana adds the creator as Admin).
 * <p>
 * Errors: a status ≥ 400 is a {@link GrafanaException} (with Grafana's {@code message} and {@code status}); no
 * answer at all (connection refused, timeout) is an {@link UnavailableException} {@code grafana:unavailable}.
 * Not thread-confined; one instance per Grafana.
 */
public final class GrafanaClient {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** The header selecting the organisation of an organisation-scoped request. */
    public static final String ORG_HEADER = "X-Grafana-Org-Id";

    private final URI base;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param baseUrl  Grafana's root URL, e.g. {@code http://127.0.0.1:3000} (a sub-path is kept)
     * @param user     server admin login
     * @param password its password
     * @param timeout  connect and request timeout
     */
    public GrafanaClient(String baseUrl, String user, String password, Duration timeout) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The base URL (ends with {@code /}). */
    public String baseUrl() {
        return base.toString();
    }

    // ---- organisations (server admin) ----

    /** {@code GET /api/health}: {@code {database, version, commit}}; reachable without auth. */
    public JsonNode health() {
        return call("GET", "api/health", null, null);
    }

    /** {@code GET /api/orgs/name/:name}: the organisation's id, or empty (404). */
    public Optional<Long> orgIdByName(String name) {
        try {
            return Optional.of(call("GET", "api/orgs/name/" + enc(name), null, null).path("id").asLong());
        } catch (GrafanaException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** {@code POST /api/orgs {name}} → {@code {orgId, message}}; 409 when the name is taken. */
    public long createOrg(String name) {
        ObjectNode body = JSON.createObjectNode().put("name", name);
        return call("POST", "api/orgs", null, body).path("orgId").asLong();
    }

    /** {@code DELETE /api/orgs/:orgId}; false when it did not exist (404). */
    public boolean deleteOrg(long orgId) {
        try {
            call("DELETE", "api/orgs/" + orgId, null, null);
            return true;
        } catch (GrafanaException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    // ---- users ----

    /** A member of an organisation ({@code GET /api/orgs/:orgId/users}). */
    public record OrgUser(long userId, String login, String email, String role) {
    }

    /** {@code GET /api/orgs/:orgId/users}. */
    public List<OrgUser> orgUsers(long orgId) {
        List<OrgUser> out = new ArrayList<>();
        for (JsonNode u : call("GET", "api/orgs/" + orgId + "/users", null, null)) {
            out.add(new OrgUser(u.path("userId").asLong(), u.path("login").asString(), u.path("email").asString(),
                    u.path("role").asString()));
        }
        return out;
    }

    /** A user ({@code GET /api/users/lookup}). */
    public record User(long id, String login, String email, boolean disabled) {
    }

    /** {@code GET /api/users/lookup?loginOrEmail=}: empty on 404. */
    public Optional<User> lookupUser(String loginOrEmail) {
        try {
            JsonNode u = call("GET", "api/users/lookup?loginOrEmail=" + enc(loginOrEmail), null, null);
            return Optional.of(new User(u.path("id").asLong(), u.path("login").asString(), u.path("email").asString(),
                    u.path("isDisabled").asBoolean()));
        } catch (GrafanaException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** {@code POST /api/admin/users {name, email, login, password, OrgId}} → the new user's id. */
    public long createUser(String login, String email, String name, String password, long orgId) {
        ObjectNode body = JSON.createObjectNode().put("name", name).put("email", email).put("login", login)
                .put("password", password).put("OrgId", orgId);
        return call("POST", "api/admin/users", null, body).path("id").asLong();
    }

    /** {@code POST /api/orgs/:orgId/users {loginOrEmail, role}}; role {@code Admin}, {@code Editor} or {@code Viewer}. */
    public void addOrgUser(long orgId, String loginOrEmail, String role) {
        call("POST", "api/orgs/" + orgId + "/users", null,
                JSON.createObjectNode().put("loginOrEmail", loginOrEmail).put("role", role));
    }

    /** {@code PATCH /api/orgs/:orgId/users/:userId {role}}. */
    public void setOrgRole(long orgId, long userId, String role) {
        call("PATCH", "api/orgs/" + orgId + "/users/" + userId, null, JSON.createObjectNode().put("role", role));
    }

    /** {@code POST /api/admin/users/:id/disable} (true) or {@code …/enable} (false). */
    public void setUserDisabled(long userId, boolean disabled) {
        call("POST", "api/admin/users/" + userId + (disabled ? "/disable" : "/enable"), null, null);
    }

    // ---- data sources (organisation-scoped) ----

    /**
     * A data source as Tenantry provisions it: InfluxDB, InfluxQL, proxy access (Grafana's backend calls the URL),
     * the credential as {@code user} + {@code secureJsonData.password}.
     *
     * @param uid      unique in the organisation
     * @param name     shown in Grafana, e.g. {@code processo_raw}
     * @param url      the query gateway's URL
     * @param database {@code jsonData.dbName}
     * @param user     the gateway credential's user name
     * @param password its secret; write-only (Grafana never returns it); null on reads
     * @param isDefault whether it is the organisation's default data source
     */
    public record DataSource(String uid, String name, String url, String database, String user, String password,
                             boolean isDefault) {
    }

    /** {@code GET /api/datasources} in the organisation (passwords are not returned: null). */
    public List<DataSource> dataSources(long orgId) {
        List<DataSource> out = new ArrayList<>();
        for (JsonNode d : call("GET", "api/datasources", orgId, null)) {
            out.add(readDataSource(d));
        }
        return out;
    }

    /** {@code GET /api/datasources/uid/:uid}; empty on 404. */
    public Optional<DataSource> dataSource(long orgId, String uid) {
        try {
            return Optional.of(readDataSource(call("GET", "api/datasources/uid/" + enc(uid), orgId, null)));
        } catch (GrafanaException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** {@code POST /api/datasources}. */
    public void createDataSource(long orgId, DataSource ds) {
        call("POST", "api/datasources", orgId, dataSourceBody(ds));
    }

    /** {@code PUT /api/datasources/uid/:uid} (the whole data source, secret included when not null). */
    public void updateDataSource(long orgId, DataSource ds) {
        call("PUT", "api/datasources/uid/" + enc(ds.uid()), orgId, dataSourceBody(ds));
    }

    /** {@code DELETE /api/datasources/uid/:uid}. */
    public void deleteDataSource(long orgId, String uid) {
        call("DELETE", "api/datasources/uid/" + enc(uid), orgId, null);
    }

    private static ObjectNode dataSourceBody(DataSource ds) {
        ObjectNode b = JSON.createObjectNode();
        b.put("uid", ds.uid()).put("name", ds.name()).put("type", "influxdb").put("access", "proxy")
                .put("url", ds.url()).put("user", ds.user()).put("basicAuth", false).put("isDefault", ds.isDefault());
        ObjectNode jd = b.putObject("jsonData");
        jd.put("dbName", ds.database()).put("httpMode", "GET").put("version", "InfluxQL");
        if (ds.password() != null) {
            b.putObject("secureJsonData").put("password", ds.password());
        }
        return b;
    }

    private static DataSource readDataSource(JsonNode d) {
        return new DataSource(d.path("uid").asString(), d.path("name").asString(), d.path("url").asString(),
                d.path("jsonData").path("dbName").asString(d.path("database").asString()), d.path("user").asString(),
                null, d.path("isDefault").asBoolean());
    }

    // ---- folders and dashboards (organisation-scoped) ----

    /** {@code GET /api/folders/:uid}: true when it exists. */
    public boolean folderExists(long orgId, String uid) {
        try {
            call("GET", "api/folders/" + enc(uid), orgId, null);
            return true;
        } catch (GrafanaException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** {@code POST /api/folders {uid, title}}. */
    public void createFolder(long orgId, String uid, String title) {
        call("POST", "api/folders", orgId, JSON.createObjectNode().put("uid", uid).put("title", title));
    }

    /** A saved dashboard: its JSON and Grafana's version counter. */
    public record SavedDashboard(String uid, long version, String url, JsonNode dashboard, String folderUid) {
    }

    /** {@code GET /api/dashboards/uid/:uid}: the dashboard and {@code meta.version}; empty on 404. */
    public Optional<SavedDashboard> dashboard(long orgId, String uid) {
        try {
            JsonNode r = call("GET", "api/dashboards/uid/" + enc(uid), orgId, null);
            return Optional.of(new SavedDashboard(uid, r.path("meta").path("version").asLong(),
                    r.path("meta").path("url").asString(), r.path("dashboard"), r.path("meta").path("folderUid").asString()));
        } catch (GrafanaException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The answer of a dashboard save: {@code {id, uid, url, status, version, slug}}. */
    public record SaveResult(String uid, long version, String url) {
    }

    /**
     * {@code POST /api/dashboards/db {dashboard, folderUid, message, overwrite: false}}. Grafana's optimistic
     * lock: {@code dashboard.version} must equal the saved version (absent for a new dashboard), else 412
     * {@code version-mismatch} — so a dashboard a user saved in between is never overwritten.
     *
     * @param dashboard the dashboard JSON ({@code uid} set; {@code version} = the version it replaces, or absent)
     */
    public SaveResult saveDashboard(long orgId, JsonNode dashboard, String folderUid, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.set("dashboard", dashboard);
        body.put("folderUid", folderUid).put("message", message).put("overwrite", false);
        JsonNode r = call("POST", "api/dashboards/db", orgId, body);
        return new SaveResult(r.path("uid").asString(), r.path("version").asLong(), r.path("url").asString());
    }

    /** {@code DELETE /api/dashboards/uid/:uid}. */
    public void deleteDashboard(long orgId, String uid) {
        call("DELETE", "api/dashboards/uid/" + enc(uid), orgId, null);
    }

    /** A search hit ({@code GET /api/search?type=dash-db}). */
    public record DashboardHit(String uid, String title, List<String> tags) {
    }

    /** {@code GET /api/search?type=dash-db&limit=5000}: every dashboard of the organisation. */
    public List<DashboardHit> dashboards(long orgId) {
        List<DashboardHit> out = new ArrayList<>();
        for (JsonNode h : call("GET", "api/search?type=dash-db&limit=5000", orgId, null)) {
            List<String> tags = new ArrayList<>();
            h.path("tags").forEach(t -> tags.add(t.asString()));
            out.add(new DashboardHit(h.path("uid").asString(), h.path("title").asString(), tags));
        }
        return out;
    }

    /**
     * {@code POST /api/ds/query}: runs one raw InfluxQL query through a data source as a panel would.
     *
     * @return Grafana's answer ({@code results.<refId>.frames[]}, {@code results.<refId>.error})
     */
    public JsonNode dsQuery(long orgId, String dataSourceUid, String rawQuery, long fromMs, long toMs,
                            long intervalMs, int maxDataPoints) {
        ObjectNode body = JSON.createObjectNode();
        body.put("from", Long.toString(fromMs)).put("to", Long.toString(toMs));
        ArrayNode qs = body.putArray("queries");
        ObjectNode q = qs.addObject();
        q.put("refId", "A");
        q.putObject("datasource").put("type", "influxdb").put("uid", dataSourceUid);
        q.put("query", rawQuery).put("rawQuery", true).put("resultFormat", "time_series")
                .put("intervalMs", intervalMs).put("maxDataPoints", maxDataPoints);
        return call("POST", "api/ds/query", orgId, body);
    }

    private JsonNode call(String method, String path, Long orgId, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", authorization).header("Accept", "application/json");
        if (orgId != null) {
            b.header(ORG_HEADER, Long.toString(orgId));
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UnavailableException("grafana:unavailable", "Grafana at " + base + " did not answer "
                    + method + " /" + path.replaceAll("\\?.*", "") + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("grafana:unavailable", "interrupted", e);
        }
        JsonNode json;
        try {
            json = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (RuntimeException e) {
            json = JSON.createObjectNode().put("message", r.body());
        }
        if (r.statusCode() >= 400) {
            String status = json.path("status").isString() ? json.path("status").asString() : null;
            throw new GrafanaException(r.statusCode(), json.path("message").asString(r.body()), status);
        }
        return json;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
