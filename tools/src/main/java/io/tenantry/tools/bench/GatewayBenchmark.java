package io.tenantry.tools.bench;

import io.tenantry.adapters.auth.LocalIssuer;
import io.tenantry.tools.Options;
import io.tenantry.tools.demo.ApiClient;
import io.tenantry.tools.demo.GatewayDemo;
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
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Query gateway vs direct InfluxDB (issue 13 benchmark; {@code bin/tenantry gateway-bench --tenant <uuid>}): for
 * each of Grafana's request shapes (adapted to the tenant's data as the main job does), {@code --rounds} GET requests
 * through the gateway with a fresh credential of the tenant, and the same number of requests of the statement the
 * gateway executed (its {@code X-Grafana-Meta-Add-Tenantry} header) straight to InfluxDB as the read-only service
 * user. Prints p50/p95 of both, their ratio, and the gateway's CPU time per query (its actuator's
 * {@code process.cpu.time}, when {@code --gateway-management} is reachable). Requests alternate (gateway, direct) so
 * both see the same machine load; on a shared, loaded machine the figures are indicative only.
 */
public final class GatewayBenchmark {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private GatewayBenchmark() {
    }

    public static int run(Options o) throws Exception {
        Map<String, String> env = o.stackEnv();
        String tenant = o.require("tenant");
        String api = o.get("api", "http://127.0.0.1:18080");
        String gateway = o.get("gateway", "http://127.0.0.1:18085");
        String mgmt = o.get("gateway-management", "");
        int rounds = Integer.parseInt(o.get("rounds", "20"));
        Path repo = Path.of(o.get("repo", ".")).toAbsolutePath().normalize();
        LocalIssuer issuer = LocalIssuer.loadOrCreate(Path.of(env.getOrDefault("TENANTRY_STATE_DIR", ".stack"), "issuer", "jwk.json"),
                "tenantry-local", "tenantry-api");
        ApiClient client = new ApiClient(api);
        String owner = issuer.mint("gateway-bench", tenant, List.of("owner"), Duration.ofHours(1));
        JsonNode cred = client.postExpect(owner, "/api/v1/tenants/" + tenant + "/query-credentials", Map.of("use", "bench"), 201);
        String gwAuth = basic(cred.get("username").asString(), cred.get("secret").asString());
        String influxAuth = basic(env.get("TENANTRY_API_INFLUX_USER"), env.get("TENANTRY_API_INFLUX_PASSWORD"));
        String influx = env.get("TENANTRY_INFLUX_URL");

        List<String> plcIds = new ArrayList<>();
        String field = "value";
        for (JsonNode row : get(gateway, gwAuth, "SHOW TAG VALUES FROM \"telemetry\" WITH KEY = \"plc_id\"", "processo_raw", null)
                .json().path("results").path(0).path("series").path(0).path("values")) {
            plcIds.add(row.path(1).asString());
        }
        for (JsonNode row : get(gateway, gwAuth, "SHOW FIELD KEYS FROM \"telemetry\"", "processo_raw", null)
                .json().path("results").path(0).path("series").path(0).path("values")) {
            if (row.path(1).asString("").equals("float")) {
                field = row.path(0).asString();
                break;
            }
        }
        if (plcIds.isEmpty()) {
            plcIds.add("none");
        }
        GatewayDemo.DemoTenant t = new GatewayDemo.DemoTenant(tenant, "", plcIds);
        Instant now = Instant.now();
        JsonNode shapes = JSON.readTree(Files.readString(repo.resolve("../shared/fixtures/grafana-influxql-request-shapes.json")
                .normalize())).get("cases");
        List<Long> viaGateway = new ArrayList<>();
        List<Long> direct = new ArrayList<>();
        double cpuBefore = cpuSeconds(mgmt);
        int gatewayQueries = 0;
        for (JsonNode c : shapes) {
            String q = GatewayDemo.adapt(c.get("q").asString(), field, t, now.minus(Duration.ofHours(3)), now);
            String rp = c.has("rp_param") ? c.get("rp_param").asString() : null;
            Timed first = get(gateway, gwAuth, q, "processo_raw", rp);
            String executed = first.executed();
            boolean remote = executed != null && !executed.startsWith("(");
            for (int i = 0; i < rounds + 2; i++) {
                Timed g = get(gateway, gwAuth, q, "processo_raw", rp);
                gatewayQueries++;
                Timed d = remote ? post(influx, influxAuth, executed, "processo_raw") : null;
                if (i >= 2) { // two warm-up rounds
                    viaGateway.add(g.nanos());
                    if (d != null) {
                        direct.add(d.nanos());
                    }
                }
            }
        }
        double cpuAfter = cpuSeconds(mgmt);
        double g50 = pct(viaGateway, 50) / 1e6;
        double g95 = pct(viaGateway, 95) / 1e6;
        double d50 = pct(direct, 50) / 1e6;
        double d95 = pct(direct, 95) / 1e6;
        String cpu = cpuBefore < 0 || cpuAfter < 0 ? "null"
                : String.format(Locale.ROOT, "%.3f", (cpuAfter - cpuBefore) * 1000 / Math.max(1, gatewayQueries + 2 * shapes.size()));
        System.out.printf(Locale.ROOT, "gateway vs direct InfluxDB, %d shapes x %d rounds: gateway p50 %.2f ms p95 %.2f ms;"
                        + " direct p50 %.2f ms p95 %.2f ms; ratio p50 %.2f p95 %.2f; gateway CPU %s ms/query%n",
                shapes.size(), rounds, g50, g95, d50, d95, g50 / d50, g95 / d95, cpu);
        System.out.printf(Locale.ROOT, "{\"gateway_bench_shapes\":%d,\"rounds\":%d,\"gateway_p50_ms\":%.2f,\"gateway_p95_ms\":%.2f,"
                        + "\"direct_p50_ms\":%.2f,\"direct_p95_ms\":%.2f,\"ratio_p50\":%.3f,\"ratio_p95\":%.3f,\"gateway_cpu_ms_per_query\":%s}%n",
                shapes.size(), rounds, g50, g95, d50, d95, g50 / d50, g95 / d95, cpu);
        return 0;
    }

    private record Timed(long nanos, int status, String body, String executed) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private static Timed get(String gateway, String auth, String q, String db, String rp) throws Exception {
        String url = gateway + "/query?db=" + enc(db) + "&epoch=ms" + (rp == null ? "" : "&rp=" + enc(rp)) + "&q=" + enc(q);
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth).GET().build();
        long t0 = System.nanoTime();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        long t = System.nanoTime() - t0;
        return new Timed(t, r.statusCode(), r.body(), r.headers().firstValue("X-Grafana-Meta-Add-Tenantry").orElse(null));
    }

    private static Timed post(String influx, String auth, String q, String db) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(influx + "/query?db=" + enc(db) + "&epoch=ms"))
                .header("Authorization", auth).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=" + enc(q))).build();
        long t0 = System.nanoTime();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        return new Timed(System.nanoTime() - t0, r.statusCode(), r.body(), null);
    }

    private static double cpuSeconds(String mgmt) {
        if (mgmt.isBlank()) {
            return -1;
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(mgmt + "/actuator/metrics/process.cpu.time")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return -1;
            }
            JsonNode m = JSON.readTree(r.body());
            double v = m.path("measurements").path(0).path("value").asDouble(-1);
            String unit = m.path("baseUnit").asString("seconds");
            return unit.equals("ns") || unit.startsWith("nano") ? v / 1e9
                    : unit.equals("ms") || unit.startsWith("milli") ? v / 1e3 : v;
        } catch (Exception e) {
            return -1;
        }
    }

    private static double pct(List<Long> xs, int p) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }

    private static String basic(String u, String p) {
        return "Basic " + Base64.getEncoder().encodeToString((u + ":" + p).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
