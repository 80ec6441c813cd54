package io.tenantry.tools.bench;

import io.tenantry.adapters.influx.InfluxQL;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.Point;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.tools.Options;
import io.tenantry.tools.demo.ApiClient;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The provisioning API benchmark ({@code bin/tenantry bench api}; issue 15, "Provisioning API under concurrency").
 * <ol>
 *   <li><b>Alone</b>: {@code --alone-tenants} (3) tenants × {@code --devices} (20) devices, one request at a time:
 *       POST device, POST credential, GET device, GET device list; latencies p50/p95/max.</li>
 *   <li><b>Concurrent</b>: {@code --tenants} (100) × {@code --devices} (20) the same four requests from
 *       {@code --concurrency} (8) workers. Work is handed out tenant by tenant, so workers often hit the same
 *       tenant at once (the tenant row lock a device creation takes). Targets: p95 ≤ 50 ms for device creation
 *       and reads, ≤ 200 ms for credential creation. Also the CPU per device (its four requests) of the API,
 *       Mosquitto and PostgreSQL over this phase.</li>
 *   <li><b>Telemetry read path</b>: 500 points (and 1 point) of one device read through
 *       {@code GET …/telemetry} and straight from InfluxDB with the equivalent InfluxQL through the same HTTP/1.1
 *       client (bodies read, not parsed), both warmed with {@code --telemetry-warmup} (1000) reads each, then
 *       {@code --reads} (200) of each interleaved; p50 and p95 ratios (target ≤ 1.5) and the API's CPU per
 *       query, with the JIT compiler threads' share of it.</li>
 * </ol>
 * Every request must answer its expected status, or the run fails. The tenants stay (their logins are what
 * {@code bench idle} measures). A benchmark, not a test: on a shared machine figures vary.
 */
final class ApiBenchmark {
    private ApiBenchmark() {
    }

    private record Op(String name, long nanos) {
    }

    static int run(Options o) throws Exception {
        BenchSession s = BenchSession.open(o);
        int tenants = Integer.parseInt(o.get("tenants", "100"));
        int devices = Integer.parseInt(o.get("devices", "20"));
        int concurrency = Integer.parseInt(o.get("concurrency", "8"));
        int aloneTenants = Integer.parseInt(o.get("alone-tenants", "3"));
        int reads = Integer.parseInt(o.get("reads", "200"));
        Path state = Path.of(s.env().getOrDefault("TENANTRY_STATE_DIR", ".stack"));
        long apiPid = Measure.pid(state.resolve("run/provisioning-api.pid"));
        // concurrency part (issue 15): CPU of the processes a device + credential costs
        long mosquittoPid = Measure.pid(state.resolve("mosquitto/mosquitto.pid"));
        long postgresPid = Measure.pid(state.resolve("postgres/data/postmaster.pid"));
        System.out.printf(Locale.ROOT, "[bench] api: alone %d x %d devices; concurrent %d tenants x %d devices at concurrency %d%n",
                aloneTenants, devices, tenants, devices, concurrency);

        // warm-up (not counted): one tenant, a few devices, so both phases meet a JIT-compiled API
        Map<String, List<Double>> warm = new ConcurrentHashMap<>();
        String wt = s.client().createTenant(s.admin(), "bench-" + s.run() + "-warm", "bench warm-up", "ENTERPRISE");
        for (int d = 0; d < 10; d++) {
            deviceOps(s, wt, s.owner(wt), d, warm);
        }

        Map<String, List<Double>> alone = new ConcurrentHashMap<>();
        for (int t = 0; t < aloneTenants; t++) {
            String id = s.client().createTenant(s.admin(), "bench-" + s.run() + "-a" + t, "bench alone", "ENTERPRISE");
            String owner = s.owner(id);
            for (int d = 0; d < devices; d++) {
                deviceOps(s, id, owner, d, alone);
            }
        }

        List<String> ids = new ArrayList<>();
        for (int t = 0; t < tenants; t++) {
            ids.add(s.client().createTenant(s.admin(), "bench-" + s.run() + "-c" + t, "bench concurrent", "ENTERPRISE"));
        }
        Map<String, List<Double>> conc = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> work = new ArrayList<>();
        double[] cpu0 = {Measure.cpuSeconds(apiPid), Measure.cpuSeconds(mosquittoPid), Measure.cpuSecondsTree(postgresPid)};
        long t0 = System.nanoTime();
        for (String id : ids) {
            String owner = s.owner(id);
            for (int d = 0; d < devices; d++) {
                int dev = d;
                work.add(pool.submit(() -> {
                    deviceOps(s, id, owner, dev, conc);
                    return null;
                }));
            }
        }
        for (Future<?> f : work) {
            f.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] cpu1 = {Measure.cpuSeconds(apiPid), Measure.cpuSeconds(mosquittoPid), Measure.cpuSecondsTree(postgresPid)};
        pool.shutdown();
        System.out.printf(Locale.ROOT, "[bench] api: %,d devices with credentials in %.1f s at concurrency %d (%.0f devices/s)%n",
                tenants * devices, seconds, concurrency, tenants * devices / seconds);
        int n = tenants * devices;
        System.out.printf(Locale.ROOT, "[bench] api: CPU per device (POST device + POST credential + 2 GETs), concurrent phase: "
                        + "API %.1f ms, Mosquitto %.1f ms, PostgreSQL %.1f ms (10 ms /proc ticks; includes background work)%n",
                (cpu1[0] - cpu0[0]) * 1000 / n, (cpu1[1] - cpu0[1]) * 1000 / n, (cpu1[2] - cpu0[2]) * 1000 / n);
        System.out.printf(Locale.ROOT, "[bench] %-22s %28s   %28s%n", "latency ms", "alone p50 / p95 / max", "concurrent p50 / p95 / max");
        for (String op : List.of("POST device", "POST credential", "GET device", "GET devices")) {
            System.out.printf(Locale.ROOT, "[bench] %-22s %8.1f / %8.1f / %8.1f   %8.1f / %8.1f / %8.1f%n", op,
                    Measure.quantile(alone.get(op), 0.5), Measure.quantile(alone.get(op), 0.95), Measure.quantile(alone.get(op), 1),
                    Measure.quantile(conc.get(op), 0.5), Measure.quantile(conc.get(op), 0.95), Measure.quantile(conc.get(op), 1));
        }
        boolean ok = true;
        ok &= Measure.target("API POST device p95 ms, concurrency " + concurrency, Measure.quantile(conc.get("POST device"), 0.95),
                Measure.Bound.AT_MOST, 50, String.format(Locale.ROOT, "alone %.1f ms", Measure.quantile(alone.get("POST device"), 0.95)));
        ok &= Measure.target("API POST credential p95 ms, concurrency " + concurrency, Measure.quantile(conc.get("POST credential"), 0.95),
                Measure.Bound.AT_MOST, 200, String.format(Locale.ROOT, "alone %.1f ms", Measure.quantile(alone.get("POST credential"), 0.95)));
        List<Double> readsConc = new ArrayList<>(conc.get("GET device"));
        readsConc.addAll(conc.get("GET devices"));
        List<Double> readsAlone = new ArrayList<>(alone.get("GET device"));
        readsAlone.addAll(alone.get("GET devices"));
        ok &= Measure.target("API reads p95 ms, concurrency " + concurrency, Measure.quantile(readsConc, 0.95),
                Measure.Bound.AT_MOST, 50, String.format(Locale.ROOT, "alone %.1f ms", Measure.quantile(readsAlone, 0.95)));

        ok &= telemetryReadPath(s, ids.isEmpty() ? wt : ids.get(0), reads, apiPid,
                Integer.parseInt(o.get("telemetry-warmup", "1000")),
                o.get("api", "http://127.0.0.1:" + System.getenv().getOrDefault("TENANTRY_API_PORT", "18080")));
        System.out.printf(Locale.ROOT, "[bench] api RSS %.0f MiB%n", Measure.rssMiB(apiPid));
        return 0;
    }

    /** POST device, POST credential, GET device, GET devices; each latency recorded under its name. */
    private static void deviceOps(BenchSession s, String tenant, String owner, int d, Map<String, List<Double>> into) {
        ApiClient c = s.client();
        String base = "/api/v1/tenants/" + tenant + "/devices";
        String deviceId = timed(into, "POST device", () -> expect(c.post(owner, base,
                Map.of("plcId", "dev-" + d, "type", "modbus_tcp")), 201, "POST device")).get("id").asString();
        timed(into, "POST credential", () -> expect(c.post(owner, base + "/" + deviceId + "/credentials", null), 201, "POST credential"));
        timed(into, "GET device", () -> expect(c.get(owner, base + "/" + deviceId), 200, "GET device"));
        timed(into, "GET devices", () -> expect(c.get(owner, base), 200, "GET devices"));
    }

    private static tools.jackson.databind.JsonNode expect(ApiClient.Response r, int status, String what) {
        if (r.status() != status) {
            throw new IllegalStateException(what + " answered " + r.status() + ": " + r.body());
        }
        return r.body();
    }

    private static <T> T timed(Map<String, List<Double>> into, String name, Supplier<T> call) {
        long t = System.nanoTime();
        T v = call.get();
        into.computeIfAbsent(name, k -> Collections.synchronizedList(new ArrayList<>())).add((System.nanoTime() - t) / 1e6);
        return v;
    }

    /**
     * The telemetry read path against InfluxDB directly: 500 points and 1 point of one device, through the API and
     * with the equivalent InfluxQL (same bucket, measurement, tag filters, window and limit), interleaved.
     */
    private static boolean telemetryReadPath(BenchSession s, String tenant, int reads, long apiPid, int warmup,
                                             String apiUrl) throws Exception {
        Map<String, String> env = s.env();
        String owner = s.owner(tenant);
        String deviceId = expect(s.client().get(owner, "/api/v1/tenants/" + tenant + "/devices"), 200, "GET devices")
                .get(0).get("id").asString();
        String plc = "dev-0";
        InfluxV1Client influx = new InfluxV1Client(env.get("TENANTRY_INFLUX_URL"), env.get("TENANTRY_INFLUX_ADMIN_USER"),
                env.get("TENANTRY_INFLUX_ADMIN_PASSWORD"), Duration.ofSeconds(30));
        String measurement = TenantMeasurements.stored(java.util.UUID.fromString(tenant), "telemetry");
        Instant base = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.SECONDS);
        List<Point> pts = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Map<String, Object> f = new TreeMap<>();
            for (int k = 0; k < 8; k++) {
                f.put("f" + k, i * 0.5 + k);
            }
            pts.add(new Point(measurement, new TreeMap<>(Map.of(SharedBuckets.TENANT_TAG, tenant, SharedBuckets.DEVICE_TAG, plc,
                    "type", "modbus_tcp")), f, IngestBenchmark.nanos(base) + i * 1_000_000_000L));
        }
        influx.write(SharedBuckets.RAW.database(), null, LineProtocol.toLines(pts));
        boolean ok = true;
        for (int n : new int[]{500, 1}) {
            Instant from = base;
            Instant to = base.plusMillis((n - 1) * 1000L + 500); // n points whether the API bound is inclusive or not
            String apiPath = "/api/v1/tenants/" + tenant + "/devices/" + deviceId + "/telemetry?from=" + from + "&to=" + to
                    + "&limit=" + n;
            String q = "SELECT \"f0\",\"f1\",\"f2\",\"f3\",\"f4\",\"f5\",\"f6\",\"f7\" FROM " + InfluxQL.ident(SharedBuckets.RAW.database())
                    + ".\"autogen\"." + InfluxQL.ident(measurement) + " WHERE \"locatario_id\"::tag = " + InfluxQL.string(tenant)
                    + " AND \"plc_id\"::tag = " + InfluxQL.string(plc) + " AND time >= " + IngestBenchmark.nanos(from)
                    + " AND time <= " + IngestBenchmark.nanos(to) + " ORDER BY time ASC LIMIT " + n;
            // issue 15 (read path): both sides through the same client, HTTP/1.1 keep-alive, body read as a string and
            // not parsed (the API's answer used to be parsed into a tree on the benchmark's side, InfluxDB's not)
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest viaApiReq = HttpRequest.newBuilder(URI.create(apiUrl + apiPath))
                    .header("Authorization", "Bearer " + owner).GET().build();
            HttpRequest direct = HttpRequest.newBuilder(URI.create(env.get("TENANTRY_INFLUX_URL") + "/query"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((env.get("TENANTRY_INFLUX_ADMIN_USER")
                            + ":" + env.get("TENANTRY_INFLUX_ADMIN_PASSWORD")).getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("epoch=ns&db=" + SharedBuckets.RAW.database() + "&q="
                            + URLEncoder.encode(q, StandardCharsets.UTF_8))).build();
            // verify once: both answer n points
            int apiPoints = expect(s.client().get(owner, apiPath), 200, "GET telemetry").get("points").size();
            String body = http.send(direct, HttpResponse.BodyHandlers.ofString()).body();
            int directPoints = body.split("\\],\\[").length;
            if (apiPoints != n || (n > 1 && directPoints != n)) {
                throw new IllegalStateException("telemetry read path: API gave " + apiPoints + " points, InfluxDB " + directPoints
                        + ", expected " + n);
            }
            List<Double> viaApi = new ArrayList<>();
            List<Double> viaInflux = new ArrayList<>();
            // warm-up, not counted: --telemetry-warmup (1000) of each, so that the JIT has compiled the path (with 50
            // the API's CPU per query was mostly the C1/C2 compiler threads' work)
            for (int i = 0; i < warmup; i++) {
                http.send(viaApiReq, HttpResponse.BodyHandlers.ofString());
                http.send(direct, HttpResponse.BodyHandlers.ofString());
            }
            double cpu0 = Measure.cpuSeconds(apiPid);
            double jit0 = compilerCpuSeconds(apiPid);
            for (int i = 0; i < reads; i++) {
                long t = System.nanoTime();
                HttpResponse<String> a = http.send(viaApiReq, HttpResponse.BodyHandlers.ofString());
                viaApi.add((System.nanoTime() - t) / 1e6);
                if (a.statusCode() != 200) {
                    throw new IllegalStateException("GET telemetry answered " + a.statusCode() + ": " + a.body());
                }
                t = System.nanoTime();
                HttpResponse<String> r = http.send(direct, HttpResponse.BodyHandlers.ofString());
                viaInflux.add((System.nanoTime() - t) / 1e6);
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("InfluxDB answered " + r.statusCode());
                }
            }
            double cpuMs = (Measure.cpuSeconds(apiPid) - cpu0) * 1000 / reads;
            double jitMs = (compilerCpuSeconds(apiPid) - jit0) * 1000 / reads;
            double p50 = Measure.quantile(viaApi, 0.5) / Measure.quantile(viaInflux, 0.5);
            double p95 = Measure.quantile(viaApi, 0.95) / Measure.quantile(viaInflux, 0.95);
            System.out.printf(Locale.ROOT, "[bench] telemetry %3d point(s): API p50 %.1f ms p95 %.1f ms; InfluxDB p50 %.1f ms p95 %.1f ms; "
                            + "API CPU %.2f ms per query (includes the API's share of the 1 s CPU tick)%n", n,
                    Measure.quantile(viaApi, 0.5), Measure.quantile(viaApi, 0.95), Measure.quantile(viaInflux, 0.5),
                    Measure.quantile(viaInflux, 0.95), cpuMs);
            System.out.printf(Locale.ROOT, "[bench] telemetry %3d point(s): of the API's CPU per query, %.2f ms in the JIT compiler"
                    + " threads, %.2f ms in the rest (after %d warm-up reads)%n", n, jitMs, cpuMs - jitMs, warmup);
            ok &= Measure.target("telemetry " + n + " pt API/InfluxDB p50", p50, Measure.Bound.AT_MOST, 1.5,
                    String.format(Locale.ROOT, "%.1f / %.1f ms", Measure.quantile(viaApi, 0.5), Measure.quantile(viaInflux, 0.5)));
            ok &= Measure.target("telemetry " + n + " pt API/InfluxDB p95", p95, Measure.Bound.AT_MOST, 1.5,
                    String.format(Locale.ROOT, "%.1f / %.1f ms", Measure.quantile(viaApi, 0.95), Measure.quantile(viaInflux, 0.95)));
        }
        return ok;
    }

    // ---- issue 15 (read path helper): telemetry part only

    /** CPU seconds of the JVM's JIT compiler threads ({@code C1/C2 CompilerThread*}) of a process, from /proc. */
    private static double compilerCpuSeconds(long pid) {
        double total = 0;
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/" + pid + "/task"))) {
            for (java.nio.file.Path t : tasks.toList()) {
                try {
                    String stat = java.nio.file.Files.readString(t.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.contains("CompilerThre")) {
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return 0;
        }
        return total;
    }
}
