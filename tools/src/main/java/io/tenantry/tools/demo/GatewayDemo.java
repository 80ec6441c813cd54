package io.tenantry.tools.demo;

import io.tenantry.adapters.auth.LocalIssuer;
import io.tenantry.adapters.influx.InfluxV1Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The main job's query-gateway part (issue 13 acceptance): each demo tenant gets a gateway credential from the
 * provisioning API ({@code POST /api/v1/tenants/{id}/query-credentials}, use {@code grafana}) and runs Grafana's
 * request shapes ({@code ../shared/fixtures/grafana-influxql-request-shapes.json}, adapted to the demo's schema:
 * measurement {@code telemetry}, one of the tenant's own field keys, its own PLC ids, database {@code processo_raw})
 * as GET and as POST through the gateway with Basic auth, as Grafana would.
 * <p>
 * Cross-tenant rows: rows of a series tagged with another tenant's PLC id, SHOW rows naming another tenant's PLC id,
 * any answer naming another tenant's UUID or slug (1 each), and, per tenant, how far the gateway's
 * {@code count(*)} exceeds InfluxDB's own count of the tenant's points (read as admin with the tenant condition).
 */
public final class GatewayDemo {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** What the summary reports. */
    record Result(int queries, long crossTenantRows, int errors) {
    }

    /** A demo tenant as the gateway part needs it. */
    public record DemoTenant(String id, String slug, List<String> plcIds) {
    }

    static Result run(String gateway, ApiClient api, LocalIssuer issuer, InfluxV1Client influx, Path fixtures,
                      List<DemoTenant> tenants, Instant from, Instant to) throws Exception {
        return new GatewayDemo().go(gateway, api, issuer, influx, fixtures, tenants, from, to);
    }

    private Result go(String gateway, ApiClient api, LocalIssuer issuer, InfluxV1Client influx, Path fixtures,
                      List<DemoTenant> tenants, Instant from, Instant to) throws Exception {
        JsonNode shapes = JSON.readTree(Files.readString(fixtures.resolve("grafana-influxql-request-shapes.json"))).get("cases");
        int queries = 0;
        int errors = 0;
        long cross = 0;
        for (DemoTenant t : tenants) {
            String owner = issuer.mint("demo-owner", t.id(), List.of("owner"), Duration.ofHours(1));
            JsonNode cred = api.postExpect(owner, "/api/v1/tenants/" + t.id() + "/query-credentials", Map.of("use", "grafana"), 201);
            String auth = "Basic " + Base64.getEncoder().encodeToString((cred.get("username").asString() + ":"
                    + cred.get("secret").asString()).getBytes(StandardCharsets.UTF_8));
            List<DemoTenant> others = tenants.stream().filter(o -> !o.id().equals(t.id())).toList();
            String field = firstField(gateway, auth);
            for (JsonNode c : shapes) {
                String q = adapt(c.get("q").asString(), field, t, from, to);
                String rp = c.has("rp_param") ? c.get("rp_param").asString() : null;
                for (boolean post : new boolean[]{false, true}) {
                    HttpResponse<String> r = send(gateway, auth, q, rp, post);
                    queries++;
                    if (r.statusCode() != 200 || r.body().contains("\"error\"")) {
                        errors++;
                        System.out.println("  gateway " + (post ? "POST " : "GET ") + q + " → " + r.statusCode() + " " + r.body().trim());
                    }
                    cross += foreignRows(r.body(), others);
                }
            }
            // the tenant's own count through the gateway never exceeds InfluxDB's count of its points
            HttpResponse<String> count = send(gateway, auth, "SELECT count(*) FROM \"telemetry\"", null, true);
            queries++;
            long viaGateway = maxCount(JSON.readTree(count.body()));
            long direct = 0;
            for (var res : influx.query("SELECT count(*) FROM \"processo_raw\".\"autogen\".\"" + t.id() + ".telemetry\" WHERE"
                    + " \"locatario_id\"::tag = '" + t.id() + "'", "processo_raw")) {
                for (var s : res.series()) {
                    for (List<Object> row : s.values()) {
                        for (int i = 1; i < row.size(); i++) {
                            if (row.get(i) instanceof Number n) {
                                direct = Math.max(direct, n.longValue());
                            }
                        }
                    }
                }
            }
            cross += Math.max(0, viaGateway - direct);
        }
        return new Result(queries, cross, errors);
    }

    private String firstField(String gateway, String auth) throws Exception {
        HttpResponse<String> r = send(gateway, auth, "SHOW FIELD KEYS FROM \"telemetry\"", null, false);
        for (JsonNode s : JSON.readTree(r.body()).path("results").path(0).path("series")) {
            for (JsonNode row : s.path("values")) {
                if (row.path(1).asString("").equals("float")) {
                    return row.path(0).asString();
                }
            }
        }
        return "value";
    }

    public static String adapt(String q, String field, DemoTenant t, Instant from, Instant to) {
        String plc1 = t.plcIds().get(0);
        String plc2 = t.plcIds().size() > 1 ? t.plcIds().get(1) : plc1;
        return q.replace("\"processo\"", "\"telemetry\"").replace("\"eventi\"", "\"telemetry\"")
                .replace("\"value\"", quote(field)).replace("\"text\"", quote(field))
                .replace("plc-1", plc1).replace("plc-2", plc2).replace("plc\\-1", plc1.replace("-", "\\-"))
                .replace("plc\\-2", plc2.replace("-", "\\-"))
                .replace("<T1>", Long.toString(from.toEpochMilli())).replace("<T2>", Long.toString(to.toEpochMilli()))
                .replace("<INT>", "1m").replace("<DB>", "processo_raw");
    }

    private static String quote(String ident) {
        return "\"" + ident.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Sends like a polite client: a 429 (the plan's requests/s) is retried after a pause, at most 5 times. */
    private HttpResponse<String> send(String gateway, String auth, String q, String rp, boolean post) throws Exception {
        HttpResponse<String> r = sendOnce(gateway, auth, q, rp, post);
        for (int i = 0; i < 5 && r.statusCode() == 429; i++) {
            Thread.sleep(1000);
            r = sendOnce(gateway, auth, q, rp, post);
        }
        return r;
    }

    private HttpResponse<String> sendOnce(String gateway, String auth, String q, String rp, boolean post) throws Exception {
        String params = "db=processo_raw&epoch=ms" + (rp == null ? "" : "&rp=" + enc(rp));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway + "/query?" + params + (post ? "" : "&q=" + enc(q))))
                .timeout(Duration.ofSeconds(60)).header("Authorization", auth);
        if (post) {
            b.header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("q=" + enc(q)));
        } else {
            b.GET();
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Rows and names of other tenants in one answer. */
    static long foreignRows(String body, List<DemoTenant> others) {
        long n = 0;
        for (DemoTenant o : others) {
            if (body.contains(o.id()) || body.contains(o.slug())) {
                n++;
            }
        }
        JsonNode root = JSON.readTree(body);
        for (JsonNode s : root.path("results").path(0).path("series")) {
            String plc = s.path("tags").path("plc_id").asString(null);
            if (plc != null && others.stream().anyMatch(o -> o.plcIds().contains(plc))) {
                n += Math.max(1, s.path("values").size());
                continue;
            }
            for (JsonNode row : s.path("values")) {
                for (JsonNode cell : row) {
                    if (cell.isString() && others.stream().anyMatch(o -> o.plcIds().contains(cell.asString()))) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private static long maxCount(JsonNode root) {
        long max = 0;
        for (JsonNode s : root.path("results").path(0).path("series")) {
            for (JsonNode row : s.path("values")) {
                for (int i = 1; i < row.size(); i++) {
                    if (row.get(i).isNumber()) {
                        max = Math.max(max, row.get(i).asLong());
                    }
                }
            }
        }
        return max;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The shared fixtures directory beside the repository ({@code ../shared/fixtures}). */
    static Path fixtures(Path repo) {
        return repo.resolve("../shared/fixtures").normalize();
    }

    /**
     * Runs the gateway part when the job was given {@code --gateway URL} ({@code bin/tenantry demo} passes it);
     * otherwise reports 0 queries.
     */
    static Result runIfEnabled(io.tenantry.tools.Options o, Path repo, ApiClient api, LocalIssuer issuer,
                               InfluxV1Client influx, Map<String, String> tenantIds, Map<String, String> slugs,
                               List<DemoJob.Provisioned> devices) throws Exception {
        String gateway = o.get("gateway", "");
        if (gateway.isBlank()) {
            return new Result(0, 0, 0);
        }
        List<DemoTenant> tenants = new ArrayList<>();
        tenantIds.forEach((key, id) -> tenants.add(new DemoTenant(id, slugs.get(key), devices.stream()
                .filter(p -> p.feed().tenantKey().equals(key)).map(p -> p.feed().plcId()).toList())));
        Instant now = Instant.now();
        Result r = run(gateway, api, issuer, influx, fixtures(repo), tenants, now.minus(Duration.ofHours(3)), now);
        System.out.printf(java.util.Locale.ROOT, "  query gateway %s: %d Grafana-shaped queries with the tenants' own"
                + " credentials, %d errors, cross-tenant rows %d%n", gateway, r.queries(), r.errors(), r.crossTenantRows());
        return r;
    }
}
