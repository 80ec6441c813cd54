package io.tenantry.tools.bench;

import io.tenantry.adapters.influx.InfluxQL;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.Point;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.tools.Options;
import io.tenantry.tools.demo.ApiClient;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * The rollup benchmark (issue 11; {@code bin/tenantry bench --rollups}), against the running services:
 * <ol>
 *   <li><b>CPU per raw point</b>: devices of one ENTERPRISE tenant publish {@code --points} points (8 fields, one
 *       row per device and {@code --step-ms}, default 1,000 ms: a realistic sampling rate, so a 10-second window
 *       holds 10 points) over MQTT/TLS; CPU seconds (utime + stime from {@code /proc}) of the ingest JVM and influxd
 *       while ingest stores them; then the rollup of exactly those points (the backfill endpoint over the run's range,
 *       the same engine as the scheduled pass) with the CPU seconds of the quota-service JVM and influxd. Prints rollup CPU per raw point ÷ ingest CPU per point (target ≤ 0.2), JVM
 *       only and JVM + influxd, and the rollup lag ({@code GET /admin/rollup}) 25 s after the load.</li>
 *   <li><b>retention cost</b>: a retention pass before and after the 30-day data below is added, and the
 *       {@code DELETE} of one day of one tenant's raw points.</li>
 *   <li><b>30-day dashboard query</b>: one device with {@code --days} (default 29) days of raw points every
 *       {@code --raw-interval-s} (default 10 s) written with the admin path, rolled up by the backfill endpoint; then
 *       {@code GROUP BY time(1h)} over the range on {@code processo_1m} ({@code mean("v_mean")}) and on raw
 *       ({@code mean("v")}), median of 5 runs each, and their ratio.</li>
 * </ol>
 * A benchmark, not a test: on a shared, loaded machine the numbers vary. The scheduled rollup pass keeps running
 * (every 30 s) and its CPU in those seconds is counted too (it finds nothing to do for a tenant already rolled up).
 */
public final class RollupBenchmark {
    private RollupBenchmark() {
    }

    public static int run(Options o) throws Exception {
        BenchSession session = BenchSession.open(o);
        Map<String, String> env = session.env();
        Path state = Path.of(env.getOrDefault("TENANTRY_STATE_DIR", ".stack"));
        String quota = o.get("quota", "http://127.0.0.1:" + System.getenv().getOrDefault("TENANTRY_QUOTA_PORT", "18083"));
        int devices = Integer.parseInt(o.get("devices", "10"));
        long points = Long.parseLong(o.get("points", "100000"));
        int rows = Integer.parseInt(o.get("rows-per-message", "10"));
        long stepMs = Long.parseLong(o.get("step-ms", "1000"));
        int days = Integer.parseInt(o.get("days", "29"));
        int rawInterval = Integer.parseInt(o.get("raw-interval-s", "10"));
        ApiClient client = session.client();
        String tenant = client.createTenant(session.admin(), "rbench-" + session.run(), "rollup bench " + session.run(), "ENTERPRISE");
        String owner = session.owner(tenant);
        List<String[]> devs = new ArrayList<>();
        String ca = null;
        for (int d = 0; d < devices; d++) {
            ApiClient.DeviceCredential dc = client.createDeviceWithCredential(owner, tenant, Map.of("plcId", "dev-" + d, "type", "modbus_tcp"));
            ca = dc.credential().get("caCertificate").asString();
            devs.add(new String[]{dc.username(), dc.password(), dc.topic()});
        }
        InfluxV1Client influx = new InfluxV1Client(env.get("TENANTRY_INFLUX_URL"), env.get("TENANTRY_INFLUX_ADMIN_USER"),
                env.get("TENANTRY_INFLUX_ADMIN_PASSWORD"), Duration.ofSeconds(300));
        long ingestPid = pid(state.resolve("run/ingest.pid"));
        long quotaPid = pid(state.resolve("run/quota-service.pid"));
        long influxPid = pid(state.resolve("influxdb/influxd.pid"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        // 1. ingest
        long perDevice = points / devices / rows * rows;
        long total = perDevice * devices;
        Instant base = Instant.now().minus(Duration.ofMillis(perDevice * stepMs)).minus(Duration.ofMinutes(2))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        System.out.printf(Locale.ROOT, "[bench] rollups: %d devices x %,d points (8 fields, every %d ms) = %,d points%n",
                devices, perDevice, stepMs, total);
        MqttAsyncClient[] clients = new MqttAsyncClient[devices];
        for (int d = 0; d < devices; d++) {
            clients[d] = IngestBenchmark.connect(env.get("TENANTRY_MQTT_TLS_URL"), devs.get(d)[0], devs.get(d)[0], devs.get(d)[1], ca, 1000);
        }
        double ing0 = Measure.cpuSeconds(ingestPid);
        double inf0 = Measure.cpuSeconds(influxPid);
        Semaphore inflight = new Semaphore(2000);
        for (long m = 0; m < perDevice / rows; m++) {
            for (int d = 0; d < devices; d++) {
                inflight.acquire();
                clients[d].publish(devs.get(d)[2], payload(base, m * rows, rows, stepMs), 1, false, null, new Release(inflight));
            }
        }
        inflight.acquire(2000);
        inflight.release(2000);
        String m = InfluxQL.ident(TenantMeasurements.stored(UUID.fromString(tenant), "telemetry"));
        long stored = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (stored < total && System.nanoTime() < deadline) {
            var rs = influx.query("SELECT count(\"f0\") FROM \"processo_raw\".\"autogen\"." + m, SharedBuckets.RAW.database());
            stored = rs.get(0).rows().isEmpty() ? 0 : ((Number) rs.get(0).rows().get(0).get(1)).longValue();
            Thread.sleep(200);
        }
        double ingestJvm = Measure.cpuSeconds(ingestPid) - ing0;
        double ingestInflux = Measure.cpuSeconds(influxPid) - inf0;
        for (MqttAsyncClient c : clients) {
            IngestBenchmark.close(c);
        }
        Thread.sleep(25_000); // every window of the run closed (window + allowed lateness)
        String lag = get(http, quota + "/admin/rollup");

        // 2. the rollup of exactly this run's raw points: a backfill of the range (the same engine as the
        //    scheduled pass, which has usually rolled the run up already; the backfill recomputes it once more)
        waitUntilIdle(influxPid, Duration.ofSeconds(60));
        double q0 = Measure.cpuSeconds(quotaPid);
        double i0 = Measure.cpuSeconds(influxPid);
        long t0 = System.nanoTime();
        String pass = post(http, quota + "/admin/rollup/backfill?tenant=" + tenant + "&from=" + base + "&to="
                + base.plusMillis(perDevice * stepMs + 1000));
        double passS = (System.nanoTime() - t0) / 1e9;
        double rollJvm = Measure.cpuSeconds(quotaPid) - q0;
        double rollInflux = Measure.cpuSeconds(influxPid) - i0;
        long rolled = Long.parseLong(pass.replaceAll(".*\"rawPoints\":(\\d+).*", "$1"));
        double ingestPer = (ingestJvm + ingestInflux) / stored;
        double rollPer = (rollJvm + rollInflux) / Math.max(1, rolled);
        System.out.printf(Locale.ROOT, "[bench] ingest: %,d points stored; CPU ingest JVM %.2f s + influxd %.2f s = %.1f us/point%n",
                stored, ingestJvm, ingestInflux, ingestPer * 1e6);
        System.out.printf(Locale.ROOT, "[bench] rollup of the run: %s in %.1f s; CPU quota JVM %.2f s + influxd %.2f s = %.1f us/raw point%n",
                pass, passS, rollJvm, rollInflux, rollPer * 1e6);
        System.out.printf(Locale.ROOT, "[bench] RATIO rollup CPU per raw point / ingest CPU per point = %.3f (JVM + influxd), %.3f (JVMs only) (target <= 0.2)%n",
                rollPer / ingestPer, (rollJvm / Math.max(1, rolled)) / (ingestJvm / stored));
        System.out.println("[bench] rollup lag 25 s after the load (scheduled pass every 30 s): " + lag);
        String retention0 = post(http, quota + "/admin/retention/run");

        // 3. 30-day dashboard query: raw vs processo_1m
        String qt = client.createTenant(session.admin(), "rbench-q-" + session.run(), "rollup query bench", "ENTERPRISE");
        String qm = TenantMeasurements.stored(UUID.fromString(qt), "telemetry");
        Instant end = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        Instant start = end.minus(Duration.ofDays(days));
        TreeMap<String, String> tags = new TreeMap<>(Map.of(SharedBuckets.TENANT_TAG, qt, SharedBuckets.DEVICE_TAG, "dash-1", "type", "modbus_tcp"));
        List<Point> batch = new ArrayList<>(5000);
        long rawPoints = 0;
        for (long t = start.getEpochSecond(); t < end.getEpochSecond(); t += rawInterval) {
            batch.add(new Point(qm, tags, Map.of("v", Math.sin(t / 3600.0) * 10 + (t % 7)), t * 1_000_000_000L));
            rawPoints++;
            if (batch.size() == 5000) {
                influx.write(SharedBuckets.RAW.database(), null, LineProtocol.toLines(batch));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            influx.write(SharedBuckets.RAW.database(), null, LineProtocol.toLines(batch));
        }
        long tb = System.nanoTime();
        String backfill = post(http, quota + "/admin/rollup/backfill?tenant=" + qt + "&from=" + start + "&to=" + end);
        System.out.printf(Locale.ROOT, "[bench] %d days x 1 device, %,d raw points every %d s; backfill %s in %.1f s%n",
                days, rawPoints, rawInterval, backfill, (System.nanoTime() - tb) / 1e9);
        waitUntilIdle(influxPid, Duration.ofSeconds(120));
        String retention1 = post(http, quota + "/admin/retention/run");
        long td = System.nanoTime();
        influx.query("DELETE FROM " + InfluxQL.ident(qm) + " WHERE \"locatario_id\" = '" + qt + "' AND time < "
                + start.plus(Duration.ofDays(1)).getEpochSecond() + "s", SharedBuckets.RAW.database());
        double deleteDayMs = (System.nanoTime() - td) / 1e6;
        System.out.printf(Locale.ROOT, "[bench] retention pass (every tenant, 3 DELETEs each): %s before, %s after adding %,d raw + rollup points;"
                + " DELETE of one day (%,d points) of one tenant in processo_raw: %.0f ms%n", retention0, retention1, rawPoints,
                86400 / rawInterval, deleteDayMs);
        waitUntilIdle(influxPid, Duration.ofSeconds(60));
        String where = " WHERE \"locatario_id\"::tag = '" + qt + "' AND \"plc_id\"::tag = 'dash-1' AND time >= " + start.getEpochSecond()
                + "s AND time < " + end.getEpochSecond() + "s GROUP BY time(1h) fill(none)";
        double rawMs = medianMs(influx, "SELECT mean(\"v\") FROM \"processo_raw\".\"autogen\"." + InfluxQL.ident(qm) + where, "processo_raw");
        double oneMs = medianMs(influx, "SELECT mean(\"v_mean\") FROM \"processo_1m\".\"autogen\"." + InfluxQL.ident(qm) + where, "processo_1m");
        System.out.printf(Locale.ROOT, "[bench] 30-day GROUP BY time(1h): raw %.0f ms, processo_1m %.0f ms; RATIO raw / 1m = %.1f%n",
                rawMs, oneMs, rawMs / oneMs);
        System.out.printf(Locale.ROOT, "{\"rollup_points\":%d,\"ingest_us_per_point\":%.2f,\"rollup_us_per_raw_point\":%.2f,"
                        + "\"ratio_cpu\":%.3f,\"query_raw_ms\":%.0f,\"query_1m_ms\":%.0f,\"ratio_query\":%.1f}%n",
                rolled, ingestPer * 1e6, rollPer * 1e6, rollPer / ingestPer, rawMs, oneMs, rawMs / oneMs);
        return 0;
    }

    /** Waits until the process uses less than 5% of a core over 2 s, at most {@code max}. */
    private static void waitUntilIdle(long pid, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            double before = Measure.cpuSeconds(pid);
            Thread.sleep(2000);
            if (Measure.cpuSeconds(pid) - before < 0.1) {
                return;
            }
        }
    }

    private static double medianMs(InfluxV1Client influx, String q, String db) {
        influx.query(q, db); // warm
        double[] ms = new double[5];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            int n = influx.query(q, db).get(0).rows().size();
            ms[i] = (System.nanoTime() - t) / 1e6;
            if (n == 0) {
                throw new IllegalStateException("no rows: " + q);
            }
        }
        Arrays.sort(ms);
        return ms[2];
    }

    /** Rows {@code stepMs} apart from {@code base + first·stepMs}, 8 fields. */
    static byte[] payload(Instant base, long first, int rows, long stepMs) {
        StringBuilder sb = new StringBuilder("[");
        for (int r = 0; r < rows; r++) {
            long i = first + r;
            sb.append(r > 0 ? "," : "").append("{\"ts\":").append(base.toEpochMilli() + i * stepMs).append(",\"seq\":").append(i)
                    .append(",\"fields\":{");
            for (int k = 0; k < 8; k++) {
                sb.append(k > 0 ? "," : "").append("\"f").append(k).append("\":").append((i % 1000) * 0.5 + k);
            }
            sb.append("}}");
        }
        return sb.append(']').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String post(HttpClient http, String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("POST " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static String get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long pid(Path file) throws Exception {
        return Long.parseLong(Files.readString(file).trim());
    }

    /** Releases one in-flight permit when the broker answers. */
    private record Release(Semaphore s) implements org.eclipse.paho.mqttv5.client.MqttActionListener {
        @Override
        public void onSuccess(org.eclipse.paho.mqttv5.client.IMqttToken t) {
            s.release();
        }

        @Override
        public void onFailure(org.eclipse.paho.mqttv5.client.IMqttToken t, Throwable e) {
            s.release();
        }
    }
}
