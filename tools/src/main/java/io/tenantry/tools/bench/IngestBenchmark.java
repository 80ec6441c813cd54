package io.tenantry.tools.bench;

import io.tenantry.adapters.influx.InfluxQL;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.mqtt.MosquittoDynsecBrokerAdmin;
import io.tenantry.core.tls.MqttTls;
import io.tenantry.core.broker.AclRule;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.Point;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.tools.Options;
import io.tenantry.tools.demo.ApiClient;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingest benchmark ({@code bin/tenantry bench}; issue 4, method redone for issue 15). Every figure comes from
 * phases measured the same way: each one warmed up first (the same load once, not counted), then timed with no
 * measurement traffic against the systems measured (completion is read from InfluxDB's own write statistics,
 * {@code SHOW STATS} {@code httpd.pointsWrittenOK}, an in-memory counter; the stored points are counted once,
 * after the timed phase, every field of every tenant), repeated {@code --reps} (3) times and reported as
 * min / median / max. Ratios are taken within one repetition and then summarised.
 * <ol>
 *   <li>(a) raw InfluxDB write: batched line protocol (5,000 points per request) of the same points into the same
 *       database, retention policy, measurements and series as (c) — the storage limit, points/s;</li>
 *   <li>(b) broker pass-through: the same JSON messages published over TLS at QoS 1 by as many connections as
 *       (c) has devices, consumed at QoS 1 over the internal plain-TCP listener as ingest does, discarded — the
 *       transport limit, messages/s;</li>
 *   <li>(c) end to end: devices publish over TLS, ingest writes to InfluxDB; points/s from the first publish until
 *       InfluxDB has accepted every point, with the CPU seconds per million points of Mosquitto, the ingest JVM and
 *       influxd ({@code /proc/<pid>/stat}) and ingest's peak RSS;</li>
 *   <li>cases: 10 rows per message (vs (a)) and 1 row per message (vs (b)); {@code --scale-devices} (1,000)
 *       devices vs the base case; </li>
 *   <li>(d) publish → queryable: a probe device's single-row messages every 100 ms for {@code --freshness-seconds}
 *       (60) while the other devices publish at half of (c)'s median rate, and 20 lone messages on an idle system;
 *       a watcher reads only the probe's newest point;</li>
 *   <li>(e) {@code --connect-devices} (1,000) devices connecting over TLS at once (after the others disconnect),
 *       and the cost of one connection's TLS set-up, to show where time goes.</li>
 * </ol>
 * Each target prints one {@code TARGET … PASS|FAIL} line with its ratio and baseline; the last line is JSON. A
 * benchmark, not a test: on a shared machine figures vary.
 */
public final class IngestBenchmark {
    private static final int FIELDS = 8;

    private IngestBenchmark() {
    }

    record Device(String tenantId, String username, String password, String topic, String plcId) {
    }

    /** One repetition's figures. */
    record Rep(double a, double b, double c, Map<String, Double> cpuPerMillion, double ingestRssMiB, long missing) {
    }

    /** What every phase shares. */
    /**
     * @param pids     the processes the targets measure (Mosquitto, ingest, influxd)
     * @param services the services {@code bin/tenantry} started, read once at the start (name → pid)
     */
    record Ctx(Map<String, String> env, String run, String ca, InfluxV1Client influx, Map<String, Long> pids,
               Map<String, Long> services, List<Device> devices) {
    }

    public static int run(Options o) throws Exception {
        if (o.values().containsKey("fairness")) {
            return FairnessBenchmark.run(o);
        }
        if (o.values().containsKey("rollups")) {
            return RollupBenchmark.run(o); // issue 11
        }
        BenchSession session = BenchSession.open(o);
        Map<String, String> env = session.env();
        int tenants = Integer.parseInt(o.get("tenants", "2"));
        int devicesPerTenant = Integer.parseInt(o.get("devices", "5"));
        long points = Long.parseLong(o.get("points", "300000"));
        long points1 = Long.parseLong(o.get("points-1row", String.valueOf(points / 5)));
        int reps = Math.min(7, Integer.parseInt(o.get("reps", "3"))); // at most 7: a run must end in reasonable time
        int freshnessSeconds = Integer.parseInt(o.get("freshness-seconds", "60"));
        int scaleDevices = Integer.parseInt(o.get("scale-devices", "1000"));
        int connectDevices = Integer.parseInt(o.get("connect-devices", "1000"));
        Path state = Path.of(env.getOrDefault("TENANTRY_STATE_DIR", ".stack"));
        String run = session.run();
        ApiClient client = session.client();

        // devices: the base case, then enough more for the scale and connect cases (ENTERPRISE: 100 per tenant)
        int extra = Math.max(0, Math.max(scaleDevices, connectDevices) - tenants * devicesPerTenant);
        long tProvision = System.nanoTime();
        List<Device> base = provision(session, client, run, "b", tenants, devicesPerTenant);
        List<Device> more = extra == 0 ? List.of() : provision(session, client, run, "s", (extra + 99) / 100, 100).subList(0, extra);
        String ca = caOf(session, base.get(0));
        List<Device> all = new ArrayList<>(base);
        all.addAll(more);
        double provisionSeconds = seconds(tProvision);
        System.out.printf(Locale.ROOT, "[bench] provisioned %d devices in %.0f s (%d at a time)%n", all.size(), provisionSeconds, PROVISIONERS);
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("mosquitto", Measure.pid(state.resolve("mosquitto/mosquitto.pid")));
        pids.put("ingest", Measure.pid(state.resolve("run/ingest.pid")));
        pids.put("influxd", Measure.pid(state.resolve("influxdb/influxd.pid")));
        Map<String, Long> services = Measure.services(state);
        InfluxV1Client influx = new InfluxV1Client(env.get("TENANTRY_INFLUX_URL"), env.get("TENANTRY_INFLUX_ADMIN_USER"),
                env.get("TENANTRY_INFLUX_ADMIN_PASSWORD"), Duration.ofSeconds(60));
        Ctx ctx = new Ctx(env, run, ca, influx, pids, services, base);
        System.out.printf(Locale.ROOT, "[bench] ingest: %d tenants x %d devices (+%d for the scale/connect cases), %d repetitions; "
                + "every phase warmed up, then timed without queries%n", tenants, devicesPerTenant, more.size(), reps);

        Map<String, Object> json = new LinkedHashMap<>();
        List<Boolean> verdicts = new ArrayList<>();
        Phases phases = new Phases(json);
        phases.took("provisioning", provisionSeconds);
        // case 1: 10 rows per message, against the raw write
        List<Rep> ten = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            ten.add(repetition(ctx, base, 10, points, r, true));
        }
        phases.took("rows10");
        summarise("10 rows/message, " + base.size() + " devices", ten, 10, json, "rows10");
        String tenLost = lost(ten);
        List<Double> e2eVsRaw = ten.stream().map(x -> x.c() / x.a()).toList();
        verdicts.add(Measure.target("end to end / raw write (10 rows/msg)", Measure.quantile(e2eVsRaw, 0.5), Measure.Bound.AT_LEAST, 0.8,
                "median of " + reps + "; min/med/max " + Measure.spread(e2eVsRaw, "%.2f"), tenLost));
        List<Double> cpu = ten.stream().map(x -> x.cpuPerMillion().get("ingest") / x.cpuPerMillion().get("influxd")).toList();
        verdicts.add(Measure.target("ingest CPU / influxd CPU per point", Measure.quantile(cpu, 0.5), Measure.Bound.AT_MOST, 0.5,
                "influxd poll-free; min/med/max " + Measure.spread(cpu, "%.2f"), tenLost));
        List<Double> rss = ten.stream().map(Rep::ingestRssMiB).toList();
        verdicts.add(Measure.target("ingest peak RSS MiB under load", Measure.quantile(rss, 1), Measure.Bound.AT_MOST, 256,
                "max of " + reps + " (bin/tenantry jvm_opts)"));

        // case 2: 1 row per message, against the broker pass-through at QoS 1
        List<Rep> one = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            one.add(repetition(ctx, base, 1, points1, r, false));
        }
        phases.took("rows1");
        summarise("1 row/message, " + base.size() + " devices", one, 1, json, "rows1");
        List<Double> e2eVsBroker = one.stream().map(x -> x.c() / x.b()).toList();
        verdicts.add(Measure.target("end to end / broker QoS 1 (1 row/msg)", Measure.quantile(e2eVsBroker, 0.5), Measure.Bound.AT_LEAST, 0.8,
                "messages/s; min/med/max " + Measure.spread(e2eVsBroker, "%.2f"), lost(one)));

        // freshness at half of (c)'s median rate, and on an idle system; each starts on a drained, idle system
        double cMedian = Measure.quantile(ten.stream().map(Rep::c).toList(), 0.5);
        double[] loaded = {Double.NaN, Double.NaN, Double.NaN};
        double[] idle = {Double.NaN, Double.NaN, Double.NaN};
        String loadedFailed = null;
        String idleFailed = null;
        try {
            awaitQuiet(ctx, "before (d) loaded", Duration.ofSeconds(180));
            loaded = freshness(ctx, base, cMedian / 2, freshnessSeconds, json, "freshness_loaded");
        } catch (Exception e) {
            loadedFailed = "phase failed: " + e;
            System.out.println("[bench] WARNING (d) loaded: " + loadedFailed);
        }
        try {
            awaitQuiet(ctx, "before (d) idle", Duration.ofSeconds(180));
            idle = freshness(ctx, base, 0, 20, json, "freshness_idle");
        } catch (Exception e) {
            idleFailed = "phase failed: " + e;
            System.out.println("[bench] WARNING (d) idle: " + idleFailed);
        }
        phases.took("freshness");
        json.put("freshness_ms", Map.of("loaded_p50", loaded[0], "loaded_p99", loaded[1], "idle_p50", idle[0], "idle_max", idle[2]));
        verdicts.add(Measure.target("publish->queryable p99 ms at half max rate", loaded[1], Measure.Bound.AT_MOST, 100,
                String.format(Locale.ROOT, "p50 %.0f ms, %,.0f points/s background, %d s", loaded[0], cMedian / 2, freshnessSeconds),
                loadedFailed));
        verdicts.add(Measure.target("publish->queryable max ms, idle system", idle[2], Measure.Bound.AT_MOST, 100,
                String.format(Locale.ROOT, "p50 %.0f ms, 20 lone messages", idle[0]), idleFailed));

        // scale: many devices, same points
        if (scaleDevices > base.size()) {
            List<Device> scale = all.subList(0, Math.min(all.size(), scaleDevices));
            Ctx sctx = new Ctx(env, run, ca, influx, pids, services, scale);
            List<Rep> many = new ArrayList<>();
            String failed = null;
            try {
                for (int r = 0; r < Math.max(1, reps); r++) {
                    many.add(repetition(sctx, scale, 10, points, r, false));
                }
            } catch (Exception e) {
                failed = "phase failed: " + e;
                System.out.println("[bench] WARNING scale case: " + failed);
            }
            phases.took("scale");
            double ratio = Double.NaN;
            double manyMedian = Double.NaN;
            if (!many.isEmpty()) {
                summarise("10 rows/message, " + scale.size() + " devices", many, 10, json, "scale");
                manyMedian = Measure.quantile(many.stream().map(Rep::c).toList(), 0.5);
                ratio = manyMedian / cMedian;
            }
            String invalid = failed != null ? failed : lost(many);
            verdicts.add(Measure.target("end to end " + scale.size() + " devices / " + base.size() + " devices", ratio,
                    Measure.Bound.AT_LEAST, 0.8, String.format(Locale.ROOT, "medians %,.0f / %,.0f points/s", manyMedian, cMedian), invalid));
        }

        // connections
        if (connectDevices > 0) {
            List<Device> conn = all.subList(0, Math.min(all.size(), connectDevices));
            double seconds = Double.NaN;
            String failed = null;
            try {
                awaitQuiet(ctx, "before (e)", Duration.ofSeconds(180));
                seconds = connectStorm(ctx, conn);
                json.put("connect_s", seconds);
            } catch (Exception e) {
                failed = "phase failed: " + e;
                System.out.println("[bench] WARNING (e): " + failed);
            }
            phases.took("connect");
            verdicts.add(Measure.target(conn.size() + " TLS device connects, seconds", seconds, Measure.Bound.AT_MOST, 10,
                    "all at once, 64 connecting threads", failed));
        }
        // every service must have lived through the run: a service that died (the quota-service once ran out of
        // heap here) did not carry its share of the load, so the figures are not the platform's
        List<String> lost = Measure.dead(services);
        if (lost.isEmpty()) {
            System.out.printf(Locale.ROOT, "[bench] services alive at the end: all %d (%s)%n", services.size(), String.join(", ", services.keySet()));
        } else {
            System.out.println("[bench] WARNING services that died during the run (see .stack/logs): " + String.join(", ", lost)
                    + "; the figures above are not the whole platform's");
        }
        json.put("services_died", lost);
        long passed = verdicts.stream().filter(v -> v).count();
        System.out.printf(Locale.ROOT, "[bench] %d of %d targets met (loaded or shared machines give lower figures: see docs/benchmarks.md)%n",
                passed, verdicts.size());
        phases.print();
        json.put("targets_met", passed);
        json.put("targets", verdicts.size());
        json.put("devices", base.size());
        json.put("reps", reps);
        System.out.println(JSON.writeValueAsString(json));
        return 0;
    }

    /** Why a case's throughput does not count: the points its repetitions lost, or null when none. */
    private static String lost(List<Rep> reps) {
        long missing = reps.stream().mapToLong(Rep::missing).sum();
        return missing == 0 ? null : String.format(Locale.ROOT, "%,d points missing (see the WARNING lines)", missing);
    }

    /** Wall time per phase (issue 15: a default run must fit the lead's session), printed and put in the JSON as {@code phase_s}. */
    private static final class Phases {
        private final Map<String, Double> took = new LinkedHashMap<>();
        private long since = System.nanoTime();

        Phases(Map<String, Object> json) {
            json.put("phase_s", took);
        }

        void took(String phase, double seconds) {
            took.put(phase, Math.round(seconds * 10) / 10.0);
            since = System.nanoTime();
        }

        void took(String phase) {
            took(phase, seconds(since));
        }

        void print() {
            System.out.printf(Locale.ROOT, "[bench] wall time per phase, s: %s; total %.0f s%n", took,
                    took.values().stream().mapToDouble(Double::doubleValue).sum());
        }
    }

    private static final tools.jackson.databind.ObjectMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    /** Concurrent provisioning calls (the API and Mosquitto's dynsec do the work; the benchmark only waits). */
    private static final int PROVISIONERS = 8;

    /**
     * Creates {@code tenants} ENTERPRISE tenants of {@code perTenant} devices each, {@link #PROVISIONERS} API calls
     * at a time (one after the other, 1,000 devices took minutes of waiting on round trips). The order of the result
     * is tenant by tenant, device by device, as before.
     */
    private static List<Device> provision(BenchSession session, ApiClient client, String run, String tag, int tenants, int perTenant)
            throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(PROVISIONERS);
        try {
            List<java.util.concurrent.Future<String>> ts = new ArrayList<>();
            for (int t = 0; t < tenants; t++) {
                int tn = t;
                ts.add(pool.submit(() -> {
                    String tenant = client.createTenant(session.admin(), "bench-" + run + "-" + tag + tn, "bench " + run, "ENTERPRISE");
                    // the benchmark measures ingest, not the quota: lift the tenant's field values/min through a plan
                    // override (issue 10, admin-only and audited); ingest still runs the quota check and metering on every message
                    ApiClient.Response lifted = client.put(session.admin(), "/api/v1/tenants/" + tenant + "/limits",
                            Map.of("pointsPerMinute", 100_000_000)); // the largest override the API accepts
                    if (lifted.status() != 200) {
                        throw new IllegalStateException("plan override for the bench tenant answered " + lifted.status() + ": " + lifted.body());
                    }
                    return tenant;
                }));
            }
            List<java.util.concurrent.Future<Device>> ds = new ArrayList<>();
            for (var f : ts) {
                String tenant = f.get();
                String owner = session.owner(tenant);
                for (int d = 0; d < perTenant; d++) {
                    String plc = "dev-" + d;
                    ds.add(pool.submit(() -> {
                        ApiClient.DeviceCredential dc = client.createDeviceWithCredential(owner, tenant, Map.of("plcId", plc, "type", "modbus_tcp"));
                        CA.putIfAbsent("ca", dc.credential().get("caCertificate").asString());
                        return new Device(tenant, dc.username(), dc.password(), dc.topic(), plc);
                    }));
                }
            }
            List<Device> out = new ArrayList<>();
            for (var f : ds) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static final Map<String, String> CA = new java.util.concurrent.ConcurrentHashMap<>();

    private static String caOf(BenchSession session, Device d) {
        return CA.get("ca");
    }

    private static void summarise(String name, List<Rep> reps, int rows, Map<String, Object> json, String key) {
        List<Double> a = reps.stream().map(Rep::a).toList();
        List<Double> b = reps.stream().map(Rep::b).toList();
        List<Double> c = reps.stream().map(Rep::c).toList();
        System.out.printf(Locale.ROOT, "[bench] == %s, %d repetitions: min / median / max%n", name, reps.size());
        if (!a.contains(Double.NaN)) {
            System.out.printf(Locale.ROOT, "[bench]    (a) raw InfluxDB write       %s points/s%n", Measure.spread(a, "%,.0f"));
        }
        if (!b.contains(Double.NaN)) {
            System.out.printf(Locale.ROOT, "[bench]    (b) broker pass-through QoS1 %s messages/s%n", Measure.spread(b, "%,.0f"));
        }
        System.out.printf(Locale.ROOT, "[bench]    (c) end to end               %s points/s (%d rows/message)%n", Measure.spread(c, "%,.0f"), rows);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("raw_write_points_per_s", a);
        j.put("broker_messages_per_s", b);
        j.put("e2e_points_per_s", c);
        for (String p : List.of("mosquitto", "ingest", "influxd")) {
            List<Double> v = reps.stream().map(x -> x.cpuPerMillion().get(p)).toList();
            System.out.printf(Locale.ROOT, "[bench]    CPU %-9s %s s per million points%n", p, Measure.spread(v, "%.2f"));
            j.put("cpu_s_per_million_" + p, v);
        }
        // the rest of the machine during (c): what else took the cores (not part of any target)
        for (String p : List.of("quota-service", "bench", "machine")) {
            List<Double> v = reps.stream().map(x -> x.cpuPerMillion().getOrDefault(p, Double.NaN)).toList();
            String what = switch (p) {
                case "bench" -> "benchmark (publishers, TLS)";
                case "machine" -> "machine (all processes)";
                default -> p;
            };
            System.out.printf(Locale.ROOT, "[bench]    CPU %-27s %s s per million points%n", what, Measure.spread(v, "%.2f"));
            j.put("cpu_s_per_million_" + p.replace('-', '_'), v);
        }
        List<Double> busy = reps.stream().map(x -> x.cpuPerMillion().getOrDefault("machine_busy_fraction", Double.NaN)).toList();
        System.out.printf(Locale.ROOT, "[bench]    cores busy during (c)  %s of %d%n", Measure.spread(busy.stream()
                .map(x -> x * Runtime.getRuntime().availableProcessors()).toList(), "%.2f"), Runtime.getRuntime().availableProcessors());
        j.put("machine_busy_fraction", busy);
        List<Double> rss = reps.stream().map(Rep::ingestRssMiB).toList();
        System.out.printf(Locale.ROOT, "[bench]    ingest peak RSS %s MiB%n", Measure.spread(rss, "%.0f"));
        j.put("ingest_rss_mib", rss);
        j.put("missing_points", reps.stream().map(Rep::missing).toList());
        json.put(key, j);
    }

    /**
     * One repetition of (a), (b) and (c) with {@code rows} rows per message; (a) only when {@code withRaw}, (b) only
     * when 1 row per message (its baseline), to keep a run short.
     */
    private static Rep repetition(Ctx ctx, List<Device> devices, int rows, long points, int rep, boolean withRaw)
            throws Exception {
        long messages = Math.max(devices.size(), points / rows / devices.size() * devices.size());
        long total = messages * rows;
        // live timestamps (issue 15, lead): every phase gets its own window starting ~5 s before now, rows 1 ms apart
        // per device, after the previous phase's window, so devices send current data as in production (points
        // 1-23 h old made every batch a late write: an upsert per batch in ingest and a rollup recomputation in the
        // quota-service during timed phases) and no phase overwrites or counts another's points
        long perDevice = Math.max(1, total / devices.size());
        double a = Double.NaN;
        long missing = 0;
        if (withRaw) {
            rawWrite(ctx, devices, liveWindow(perDevice / 5), total / 5, rows); // warm-up
            awaitQuiet(ctx, "before (a)", Duration.ofSeconds(120));
            Instant aBase = liveWindow(perDevice);
            long tA = System.nanoTime();
            long before = rawPointsWrittenOk(ctx.influx());
            rawWrite(ctx, devices, aBase, total, rows);
            a = total / seconds(tA);
            long accepted = rawPointsWrittenOk(ctx.influx()) - before;
            missing += verify(ctx, devices, aBase, total, "(a)");
            if (accepted < total) {
                System.out.printf(Locale.ROOT, "[bench] WARNING (a): InfluxDB accepted %,d of %,d points%n", accepted, total);
            }
        }
        double b = Double.NaN;
        if (rows == 1) {
            awaitQuiet(ctx, "before (b)", Duration.ofSeconds(120));
            passThrough(ctx, devices, messages / 5, rows); // warm-up
            b = passThrough(ctx, devices, messages, rows);
        }
        MqttAsyncClient[] clients = connectAll(ctx, devices);
        try {
            // warm-up: the same load once, until InfluxDB has accepted all of it (its tail must not count in (c))
            endToEndUntilAccepted(ctx, devices, clients, liveWindow(perDevice / 5),
                    Math.max(devices.size(), messages / 5 / devices.size() * devices.size()), rows, new double[1]);
            awaitQuiet(ctx, "before (c)", Duration.ofSeconds(120));
            Map<String, Double> cpu0 = new TreeMap<>();
            ctx.pids().forEach((k, v) -> cpu0.put(k, Measure.cpuSeconds(v)));
            // where the 2 cores go during (c): the benchmark's own publishers, the quota-service (rollups of the
            // points just written) and the whole machine (every process, /proc/stat)
            Map<String, Long> others = new TreeMap<>(Map.of("bench", ProcessHandle.current().pid()));
            if (ctx.services().containsKey("quota-service")) {
                others.put("quota-service", ctx.services().get("quota-service"));
            }
            others.forEach((k, v) -> cpu0.put(k, Measure.cpuSecondsOrNaN(v)));
            cpu0.put("machine", Measure.machineBusySeconds());
            Instant cBase = liveWindow(perDevice);
            double[] rss = {Measure.rssMiB(ctx.pids().get("ingest"))};
            long tC = System.nanoTime();
            long accepted = endToEndUntilAccepted(ctx, devices, clients, cBase, messages, rows, rss);
            double cs = seconds(tC);
            double c = accepted / cs;
            Map<String, Double> perMillion = new TreeMap<>();
            ctx.pids().forEach((k, v) -> perMillion.put(k, (Measure.cpuSeconds(v) - cpu0.get(k)) / (total / 1e6)));
            others.forEach((k, v) -> perMillion.put(k, (Measure.cpuSecondsOrNaN(v) - cpu0.get(k)) / (total / 1e6)));
            double machine = Measure.machineBusySeconds() - cpu0.get("machine");
            perMillion.put("machine", machine / (total / 1e6));
            perMillion.put("machine_busy_fraction", machine / (cs * Runtime.getRuntime().availableProcessors()));
            missing += verify(ctx, devices, cBase, total, "(c)");
            System.out.printf(Locale.ROOT, "[bench] rep %d, %d rows/msg, %d devices:%s%s (c) %,.0f points/s; CPU s/M points mosquitto %.2f "
                            + "ingest %.2f influxd %.2f; ingest RSS %.0f MiB%n", rep + 1, rows, devices.size(),
                    Double.isNaN(a) ? "" : String.format(Locale.ROOT, " (a) %,.0f points/s;", a),
                    Double.isNaN(b) ? "" : String.format(Locale.ROOT, " (b) %,.0f messages/s;", b), c,
                    perMillion.get("mosquitto"), perMillion.get("ingest"), perMillion.get("influxd"), rss[0]);
            return new Rep(a, b, c, perMillion, rss[0], missing);
        } finally {
            closeAll(Arrays.asList(clients));
        }
    }

    private static final java.util.concurrent.atomic.AtomicLong NEXT_FREE_MS = new java.util.concurrent.atomic.AtomicLong();

    /**
     * The start of a phase's time window for {@code rowsPerDevice} rows 1 ms apart per device: 5 s before now, or
     * 1 s after the previous window's last row when that is later (a phase's rows may run ahead of the clock: 30,000
     * rows per device span 30 s; the tenants' plan allows 60 min ahead). Verification counts from here for 15 min,
     * right after the phase, before any later phase writes.
     */
    static Instant liveWindow(long rowsPerDevice) {
        long start = Math.max(System.currentTimeMillis() - 5_000, NEXT_FREE_MS.get());
        NEXT_FREE_MS.set(start + rowsPerDevice + 1_000);
        return Instant.ofEpochMilli(start);
    }

    /** (a): the points of {@code total/rows} messages as line protocol, 5,000 points per request, into (c)'s bucket. */
    private static void rawWrite(Ctx ctx, List<Device> devices, Instant base, long total, int rows) {
        List<Point> batch = new ArrayList<>(5000);
        int n = devices.size();
        for (long i = 0; i < total; i++) {
            long msg = i / rows;
            Device d = devices.get((int) (msg % n));
            long row = (msg / n) * rows + i % rows; // the device's row number, as (c)'s payloads number them
            batch.add(point(d, base, row));
            if (batch.size() == 5000) {
                ctx.influx().write(SharedBuckets.RAW.database(), null, LineProtocol.toLines(batch));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            ctx.influx().write(SharedBuckets.RAW.database(), null, LineProtocol.toLines(batch));
        }
    }

    /**
     * (b): {@code messages} messages published over TLS by one connection per device (bench logins), consumed at
     * QoS 1 over the internal listener; messages/s from the first publish to the last message received.
     */
    private static double passThrough(Ctx ctx, List<Device> devices, long messages, int rows) throws Exception {
        Map<String, String> env = ctx.env();
        String user = "bench-" + ctx.run() + "-b" + UUID.randomUUID().toString().substring(0, 4);
        String pw = UUID.randomUUID().toString();
        String topics = "bench/" + ctx.run() + "/#";
        try (MosquittoDynsecBrokerAdmin admin = new MosquittoDynsecBrokerAdmin(env.get("TENANTRY_MQTT_URL"),
                env.get("TENANTRY_MQTT_ADMIN_USER"), env.get("TENANTRY_MQTT_ADMIN_PASSWORD"), Duration.ofSeconds(10))) {
            admin.ensureRole(user, List.of(AclRule.allow(AclRule.Type.PUBLISH_CLIENT_SEND, topics),
                    AclRule.allow(AclRule.Type.SUBSCRIBE_PATTERN, topics), AclRule.allow(AclRule.Type.PUBLISH_CLIENT_RECEIVE, topics)));
            List<String> logins = new ArrayList<>();
            try {
                admin.ensureClient(user + "-sink", pw, List.of(user));
                logins.add(user + "-sink");
                AtomicLong received = new AtomicLong();
                CountDownLatch allIn = new CountDownLatch(1);
                MqttAsyncClient sink = new MqttAsyncClient(env.get("TENANTRY_MQTT_URL"), user + "-sink", new MemoryPersistence());
                MqttConnectionOptions so = new MqttConnectionOptions();
                so.setUserName(user + "-sink");
                so.setPassword(pw.getBytes(StandardCharsets.UTF_8));
                so.setReceiveMaximum(1000); // as ingest (mqtt.receive-maximum)
                sink.setCallback(new Discard(() -> {
                    if (received.incrementAndGet() == messages) {
                        allIn.countDown();
                    }
                }));
                sink.connect(so).waitForCompletion(15_000);
                sink.subscribe(new MqttSubscription(topics, 1)).waitForCompletion(10_000);
                int n = devices.size();
                MqttAsyncClient[] pubs = new MqttAsyncClient[n];
                javax.net.ssl.SSLSocketFactory tls = MqttTls.socketFactory(ctx.ca());
                for (int i = 0; i < n; i++) {
                    String name = user + "-p" + i;
                    admin.ensureClient(name, pw, List.of(user));
                    logins.add(name);
                    pubs[i] = connect(ctx.env().get("TENANTRY_MQTT_TLS_URL"), name, name, pw, tls, 1000);
                }
                Instant base = Instant.now().minus(Duration.ofHours(1));
                List<byte[]> payloads = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    payloads.add(payload(base, (long) i * rows, rows, FIELDS));
                }
                long t = System.nanoTime();
                publishAll(messages, n, (i, done) -> pubs[(int) (i % n)].publish("bench/" + ctx.run() + "/" + (i % n),
                        payloads.get((int) (i % payloads.size())), 1, false, null, done));
                awaitProgress(allIn, received);
                double rate = received.get() / seconds(t);
                if (received.get() < messages) {
                    System.out.printf(Locale.ROOT, "[bench] WARNING (b): the subscriber got %,d of %,d messages%n", received.get(), messages);
                }
                closeAll(Arrays.asList(pubs));
                close(sink);
                return rate;
            } finally {
                logins.forEach(admin::deleteClient);
                admin.deleteRole(user);
            }
        }
    }

    /** Connects every device, 64 at a time (a Paho connect mostly sleeps: see {@link #connectStorm}). */
    private static MqttAsyncClient[] connectAll(Ctx ctx, List<Device> devices) throws Exception {
        javax.net.ssl.SSLSocketFactory tls = MqttTls.socketFactory(ctx.ca());
        MqttAsyncClient[] clients = new MqttAsyncClient[devices.size()];
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(64);
        try {
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < devices.size(); i++) {
                int idx = i;
                Device d = devices.get(i);
                fs.add(pool.submit(() -> {
                    clients[idx] = connect(ctx.env().get("TENANTRY_MQTT_TLS_URL"), d.username(), d.username(), d.password(), tls, 1000);
                    return null;
                }));
            }
            for (var f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return clients;
    }

    /** Publishes {@code messages} round-robin over the devices (acknowledged at QoS 1). */
    private static void endToEnd(Ctx ctx, List<Device> devices, MqttAsyncClient[] clients, Instant base, long messages, int rows)
            throws Exception {
        int n = devices.size();
        publishAll(messages, n, (i, done) -> {
            int di = (int) (i % n);
            clients[di].publish(devices.get(di).topic(), payload(base, (i / n) * rows, rows, FIELDS), 1, false, null, done);
        });
    }

    /**
     * (c) timed: publishes, then waits until InfluxDB's {@code httpd.pointsWrittenOK} has grown by every point (no
     * query touches the data meanwhile); samples ingest's RSS (from /proc, no traffic).
     *
     * @return points accepted (the expected number, or what arrived before progress stopped for 30 s)
     */
    private static long endToEndUntilAccepted(Ctx ctx, List<Device> devices, MqttAsyncClient[] clients, Instant base, long messages,
                                              int rows, double[] rssPeak) throws Exception {
        long expected = messages * rows;
        long[] stats0 = writeStats(ctx.influx());
        long before = stats0[0];
        long httpBefore = stats0[1];
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                rssPeak[0] = Math.max(rssPeak[0], Measure.rssMiB(ctx.pids().get("ingest")));
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            endToEnd(ctx, devices, clients, base, messages, rows);
            long last = -1;
            long lastChange = System.nanoTime();
            long tStart = System.nanoTime();
            boolean oldSignal = false;
            while (true) {
                long[] stats = writeStats(ctx.influx());
                long got = stats[0] - before;
                if (!oldSignal && got < expected) {
                    // the signal before issue 15's fix (all HTTP writes): when it would have ended the phase, how short was the raw bucket?
                    long http = stats[1] - httpBefore;
                    if (http >= expected) {
                        oldSignal = true;
                        System.out.printf(Locale.ROOT, "[bench] (c) all HTTP writes reached %,d points at %.2f s with the raw bucket at +%,d "
                                + "(%,d short): the old completion signal would have ended the phase here%n", expected, seconds(tStart), got,
                                expected - got);
                    }
                }
                if (got >= expected) {
                    long http = stats[1] - httpBefore;
                    if (http != got) { // evidence for issue 15's shortfall: the old signal counted other writers too
                        System.out.printf(Locale.ROOT, "[bench] (c) InfluxDB: raw bucket +%,d points; all HTTP writes +%,d "
                                + "(other writers: %+,d)%n", got, http, http - got);
                    }
                    return expected;
                }
                if (got != last) {
                    last = got;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > Duration.ofSeconds(30).toNanos()) {
                    System.out.printf(Locale.ROOT, "[bench] WARNING (c): InfluxDB accepted %,d of %,d points%n", got, expected);
                    System.out.printf(Locale.ROOT, "[bench] (c) no progress for 30 s; ingest: %s%n", IngestState.read());
                    return got;
                }
                Thread.sleep(20);
            }
        } finally {
            sampler.interrupt();
        }
    }

    /**
     * InfluxDB's own count of points written into the raw bucket ({@code processo_raw.autogen}): the sum of
     * {@code writePointsOk} over that database's and retention policy's shards ({@code SHOW STATS FOR 'shard'},
     * in-memory statistics; does not touch the data). The completion signal of (a) and (c) since issue 15's
     * 1,000-device shortfall: {@link #pointsWrittenOk} counts every HTTP write of every writer (the quota-service's
     * rollups into {@code processo}/{@code processo_1m}, {@code platform_metrics}), so it reached the target before
     * ingest had written everything.
     */
    static long rawPointsWrittenOk(InfluxV1Client influx) {
        return writeStats(influx)[0];
    }

    /**
     * One snapshot of InfluxDB's write statistics ({@code SHOW STATS}, every module in one answer, so both figures
     * come from the same instant): {raw bucket shards' {@code writePointsOk}, httpd {@code pointsWrittenOK}}.
     */
    static long[] writeStats(InfluxV1Client influx) {
        long raw = 0;
        long http = 0;
        for (var r : influx.query("SHOW STATS", null)) {
            for (var s : r.series()) {
                if ("httpd".equals(s.name())) {
                    int col = s.columns().indexOf("pointsWrittenOK");
                    for (List<Object> row : s.values()) {
                        http += ((Number) row.get(col)).longValue();
                    }
                    continue;
                }
                if (!"shard".equals(s.name()) || !SharedBuckets.RAW.database().equals(s.tags().get("database"))
                        || !SharedBuckets.RAW.retentionPolicy().equals(s.tags().get("retentionPolicy"))) {
                    continue;
                }
                int col = s.columns().indexOf("writePointsOk");
                for (List<Object> row : s.values()) {
                    raw += ((Number) row.get(col)).longValue();
                }
            }
        }
        return new long[] {raw, http};
    }

    /** InfluxDB's own count of points accepted over HTTP, all databases and writers (in-memory statistics; does not touch the data). */
    static long pointsWrittenOk(InfluxV1Client influx) {
        long total = 0;
        for (var r : influx.query("SHOW STATS FOR 'httpd'", null)) {
            for (var s : r.series()) {
                int col = s.columns().indexOf("pointsWrittenOK");
                for (List<Object> row : s.values()) {
                    total += ((Number) row.get(col)).longValue();
                }
            }
        }
        return total;
    }

    /**
     * After a timed phase: counts every field of every tenant's points in the phase's window once. When any is short,
     * waits (at most 60 s) until ingest has nothing queued, in flight or spooled and the count stops changing, then
     * counts again; if points are still missing it prints what is missing per tenant and per device (the devices
     * short of their {@code expected / devices} rows, with ingest's duplicate and dead-letter counts) and returns
     * the shortfall, so the run goes on and the phase's target fails instead of the whole run stopping.
     *
     * @return points missing (0 when complete)
     */
    private static long verify(Ctx ctx, List<Device> devices, Instant base, long expected, String phase) throws InterruptedException {
        long[] perField = countFields(ctx, devices, base);
        if (Arrays.stream(perField).sum() == expected * FIELDS) {
            return 0;
        }
        long t0 = System.nanoTime();
        System.out.printf(Locale.ROOT, "[bench] %s: stored %,d of %,d points right after the phase (per field %s); waiting for ingest "
                + "to drain and the count to settle%n", phase, Arrays.stream(perField).min().orElse(0), expected, Arrays.toString(perField));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long previous = -1;
        while (System.nanoTime() < deadline) {
            Thread.sleep(2000);
            perField = countFields(ctx, devices, base);
            long sum = Arrays.stream(perField).sum();
            if (sum == expected * FIELDS) {
                System.out.printf(Locale.ROOT, "[bench] %s: complete %.1f s after the phase ended (points were still on their way "
                        + "when the phase was timed)%n", phase, seconds(t0));
                return 0;
            }
            if (sum == previous && IngestState.read().drained()) {
                break;
            }
            previous = sum;
        }
        long stored = Arrays.stream(perField).min().orElse(0);
        long missing = expected - stored;
        System.out.printf(Locale.ROOT, "[bench] WARNING %s: stored field values %,d, expected %,d (%,d points x %d fields); per field %s; "
                + "%,d points missing (%.2f %%)%n", phase, Arrays.stream(perField).sum(), expected * FIELDS, expected, FIELDS,
                Arrays.toString(perField), missing, 100.0 * missing / expected);
        reportMissing(ctx, devices, base, expected / devices.size(), phase);
        System.out.printf(Locale.ROOT, "[bench] %s: ingest now: %s%n", phase, IngestState.read());
        return missing;
    }

    /** Stored values of each field f0..f7 over the devices' tenants in the phase's 15-minute window. */
    private static long[] countFields(Ctx ctx, List<Device> devices, Instant base) {
        long[] perField = new long[FIELDS];
        for (String t : devices.stream().map(Device::tenantId).distinct().toList()) {
            var rows = ctx.influx().query("SELECT count(*) FROM \"processo_raw\".\"autogen\"." + InfluxQL.ident(measurement(t))
                    + " WHERE \"locatario_id\"::tag = " + InfluxQL.string(t) + " AND time >= " + nanos(base)
                    + " AND time < " + nanos(base.plus(Duration.ofMinutes(15))), SharedBuckets.RAW.database()).get(0);
            if (rows.series().isEmpty()) {
                continue;
            }
            var series = rows.series().get(0);
            for (int k = 0; k < FIELDS; k++) {
                int col = series.columns().indexOf("count_f" + k);
                perField[k] += col < 0 ? 0 : ((Number) series.values().get(0).get(col)).longValue();
            }
        }
        return perField;
    }

    /** Prints, per tenant, stored/expected rows and the devices short of {@code perDevice} rows (f0), first 20. */
    private static void reportMissing(Ctx ctx, List<Device> devices, Instant base, long perDevice, String phase) {
        Map<String, List<Device>> byTenant = new LinkedHashMap<>();
        devices.forEach(d -> byTenant.computeIfAbsent(d.tenantId(), k -> new ArrayList<>()).add(d));
        int shortDevices = 0;
        List<String> examples = new ArrayList<>();
        for (var e : byTenant.entrySet()) {
            Map<String, Long> stored = new TreeMap<>();
            var res = ctx.influx().query("SELECT count(\"f0\") FROM \"processo_raw\".\"autogen\"." + InfluxQL.ident(measurement(e.getKey()))
                    + " WHERE \"locatario_id\"::tag = " + InfluxQL.string(e.getKey()) + " AND time >= " + nanos(base)
                    + " AND time < " + nanos(base.plus(Duration.ofMinutes(15))) + " GROUP BY \"plc_id\"", SharedBuckets.RAW.database()).get(0);
            for (var sr : res.series()) {
                stored.put(sr.tags().get("plc_id"), ((Number) sr.values().get(0).get(1)).longValue());
            }
            long sum = 0;
            int shortHere = 0;
            for (Device d : e.getValue()) {
                long got = stored.getOrDefault(d.plcId(), 0L);
                sum += got;
                if (got != perDevice) {
                    shortHere++;
                    if (examples.size() < 20) {
                        examples.add(d.username() + " " + got + "/" + perDevice);
                    }
                }
            }
            shortDevices += shortHere;
            System.out.printf(Locale.ROOT, "[bench] %s: tenant %s: %,d of %,d points, %d of %d devices short%n", phase, e.getKey(), sum,
                    perDevice * e.getValue().size(), shortHere, e.getValue().size());
        }
        System.out.printf(Locale.ROOT, "[bench] %s: %d devices short; first: %s%n", phase, shortDevices, String.join(", ", examples));
    }

    /**
     * Freshness: a probe device (not among the loaded ones) publishes a single-row message every 100 ms for
     * {@code seconds} while the others publish at {@code backgroundPointsPerS} (0: idle system, probes 1 s apart).
     * <p>
     * Method (issue 15): the caller starts it on a drained, idle system ({@link #awaitQuiet}). Every thread of the
     * benchmark sleeps between its ticks (no spinning: on 2 cores a spinning publisher takes a core from ingest and
     * influxd). The background publisher is paced by a clock (message {@code k} is due at {@code k / rate}; when it
     * falls behind it catches up without sleeping, never bursting ahead); messages it could not hand to the client
     * (in-flight window full) are counted and the achieved rate is printed. The watcher asks InfluxDB for the probe's
     * newest point only while a probe is outstanding (published, not yet seen), every 10 ms: a probe's "seen" time is
     * the end of the first query that returns it, so the resolution is 10 ms plus one query's duration, and the
     * watcher adds at most ~100 narrow queries/s, none while nothing is outstanding. Ingest's queue depth is sampled
     * every second ({@link IngestState}, one small request to ingest) and printed.
     *
     * @return p50, p99 and max delay in ms
     */
    private static double[] freshness(Ctx ctx, List<Device> devices, double backgroundPointsPerS, int seconds,
                                      Map<String, Object> json, String key) throws Exception {
        Device probe = devices.get(devices.size() - 1);
        List<Device> load = devices.subList(0, devices.size() - 1);
        MqttAsyncClient[] clients = connectAll(ctx, devices);
        MqttAsyncClient probeClient = clients[devices.size() - 1];
        Instant base = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        long intervalNs = backgroundPointsPerS > 0 ? 100_000_000L : 1_000_000_000L;
        int probes = (int) (seconds * 1_000_000_000L / intervalNs);
        java.util.concurrent.atomic.AtomicLongArray sentAt = new java.util.concurrent.atomic.AtomicLongArray(probes);
        long[] seenAt = new long[probes]; // the watcher's; read after join
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong bgSent = new AtomicLong();
        AtomicLong bgSkipped = new AtomicLong();
        AtomicLong queries = new AtomicLong();
        long[] bgSpan = new long[2];
        Thread background = null;
        if (backgroundPointsPerS > 0 && !load.isEmpty()) {
            double msgsPerS = backgroundPointsPerS / 10;
            background = Thread.ofPlatform().start(() -> {
                long t0 = System.nanoTime();
                bgSpan[0] = t0;
                long i = 0;
                Instant bBase = base.minus(Duration.ofMinutes(30));
                while (!stop.get()) {
                    long due = t0 + (long) (i * 1e9 / msgsPerS);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                        continue;
                    }
                    int di = (int) (i % load.size());
                    try {
                        clients[di].publish(load.get(di).topic(), payload(bBase, (i / load.size()) * 10, 10, FIELDS), 1, false);
                        bgSent.incrementAndGet();
                    } catch (Exception e) {
                        bgSkipped.incrementAndGet(); // in-flight window full: the broker is the limit; this message is skipped
                    }
                    i++;
                }
                bgSpan[1] = System.nanoTime();
            });
        }
        Thread watcher = Thread.ofPlatform().start(() -> {
            int seen = 0;
            while (seen < probes && !stop.get()) {
                if (sentAt.get(seen) == 0) { // nothing outstanding: no query
                    LockSupport.parkNanos(1_000_000L);
                    continue;
                }
                long newest = newestSeq(ctx.influx(), probe, base);
                queries.incrementAndGet();
                long now = System.nanoTime();
                for (; seen <= Math.min(newest, probes - 1); seen++) {
                    seenAt[seen] = now;
                }
                if (seen < probes && sentAt.get(seen) != 0) {
                    LockSupport.parkNanos(10_000_000L); // 10 ms between queries while a probe is outstanding
                }
            }
        });
        List<Long> depth = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (!stop.get()) {
                try {
                    depth.add(IngestState.read().queueDepthPoints());
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    depth.add(-1L);
                }
            }
        });
        long next = System.nanoTime() + 500_000_000L;
        for (int i = 0; i < probes; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long now = System.nanoTime();
            probeClient.publish(probe.topic(), payload(base, i, 1, FIELDS), 1, false);
            sentAt.set(i, now);
            next += intervalNs;
        }
        watcher.join(30_000);
        stop.set(true);
        watcher.join(5_000);
        if (background != null) {
            background.join(5_000);
        }
        sampler.interrupt();
        closeAll(Arrays.asList(clients));
        List<Double> delays = new ArrayList<>();
        int missing = 0;
        for (int i = 0; i < probes; i++) {
            if (seenAt[i] == 0) {
                missing++;
                delays.add(Double.POSITIVE_INFINITY);
            } else {
                delays.add((seenAt[i] - sentAt.get(i)) / 1e6);
            }
        }
        double[] out = {Measure.quantile(delays, 0.5), Measure.quantile(delays, 0.99), Measure.quantile(delays, 1)};
        System.out.printf(Locale.ROOT, "[bench] (d) publish -> queryable, %s: p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d probes%s)%n",
                backgroundPointsPerS > 0 ? String.format(Locale.ROOT, "%,.0f points/s background for %d s", backgroundPointsPerS, seconds)
                        : "idle system", out[0], out[1], out[2], probes, missing > 0 ? ", " + missing + " never seen" : "");
        List<Long> depths;
        synchronized (depth) {
            depths = new ArrayList<>(depth);
        }
        long maxDepth = depths.stream().mapToLong(Long::longValue).max().orElse(-1);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("watcher_queries", queries.get());
        j.put("ingest_queue_max_points", maxDepth);
        double achieved = Double.NaN;
        if (background != null && bgSpan[1] > bgSpan[0]) {
            achieved = bgSent.get() * 10 / ((bgSpan[1] - bgSpan[0]) / 1e9);
            j.put("background_points_per_s", achieved);
            j.put("background_skipped_messages", bgSkipped.get());
        }
        json.put(key, j);
        System.out.printf(Locale.ROOT, "[bench] (d) %s: watcher %d queries (10 ms apart while a probe is outstanding; resolution 10 ms + "
                        + "one query)%s; ingest queue depth, points, every 1 s: max %,d, samples %s%n",
                backgroundPointsPerS > 0 ? "loaded" : "idle", queries.get(),
                background == null ? "" : String.format(Locale.ROOT, "; background achieved %,.0f points/s of %,.0f asked, %,d messages skipped",
                        achieved, backgroundPointsPerS, bgSkipped.get()), maxDepth, abbreviate(depths));
        return out;
    }

    /** The samples, or the first 30 and the last 10 when there are more. */
    private static String abbreviate(List<Long> v) {
        if (v.size() <= 40) {
            return v.toString();
        }
        return v.subList(0, 30) + "..." + v.subList(v.size() - 10, v.size());
    }

    /** The probe's newest stored row number (its {@code seq} is the row's offset from {@code base}), or -1. */
    private static long newestSeq(InfluxV1Client influx, Device d, Instant base) {
        var rows = influx.query("SELECT last(\"f0\") FROM \"processo_raw\".\"autogen\"." + InfluxQL.ident(measurement(d.tenantId()))
                + " WHERE \"locatario_id\"::tag = " + InfluxQL.string(d.tenantId()) + " AND \"plc_id\"::tag = " + InfluxQL.string(d.plcId())
                + " AND time >= " + nanos(base) + " AND time < " + nanos(base.plus(Duration.ofHours(1))), SharedBuckets.RAW.database()).get(0).rows();
        if (rows.isEmpty()) {
            return -1;
        }
        return (((Number) rows.get(0).get(0)).longValue() / 1_000_000L) - base.toEpochMilli();
    }

    /**
     * (e): every device connects over TLS at once (64 threads, one shared TLS context) after all disconnected;
     * seconds until the last CONNACK. Also prints the cost of the two things the old benchmark did per connection:
     * building a TLS context from the CA PEM, and waiting for each connection before starting the next.
     * <p>
     * Why the old benchmark connected about 3 devices per second: not the broker (mosquitto_pub connects over TLS
     * in 10–50 ms here), nor DNS or TLS, but Paho 1.2.5 itself: starting a connection's sender, receiver and
     * callback threads each polls with {@code Thread.sleep(100)} (eclipse-paho/paho.mqtt.java#945, #1089), so one
     * connect takes ~300 ms and one disconnect ~100 ms even over plain TCP, while the CPU idles. The old benchmark
     * connected its devices one after the other. The cure on our side is to connect in parallel: the time is
     * sleeping, not work.
     */
    private static double connectStorm(Ctx ctx, List<Device> devices) throws Exception {
        String url = ctx.env().get("TENANTRY_MQTT_TLS_URL");
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            MqttTls.socketFactory(ctx.ca());
        }
        double factoryMs = (System.nanoTime() - t0) / 1e6 / 20;
        javax.net.ssl.SSLSocketFactory tls = MqttTls.socketFactory(ctx.ca());
        long t1 = System.nanoTime();
        int seq = Math.min(20, devices.size());
        for (int i = 0; i < seq; i++) {
            Device d = devices.get(i);
            close(connect(url, d.username(), d.username(), d.password(), tls, 10));
        }
        double sequentialMs = (System.nanoTime() - t1) / 1e6 / seq;
        System.out.printf(Locale.ROOT, "[bench] (e) one TLS context from the CA PEM: %.1f ms; one connect+disconnect waited in turn: %.1f ms%n",
                factoryMs, sequentialMs);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(64);
        List<java.util.concurrent.Future<MqttAsyncClient>> fs = new ArrayList<>();
        long t2 = System.nanoTime();
        for (Device d : devices) {
            fs.add(pool.submit(() -> connect(url, d.username(), d.username(), d.password(), tls, 10)));
        }
        List<MqttAsyncClient> connected = new ArrayList<>();
        int failed = 0;
        for (var f : fs) {
            try {
                connected.add(f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                failed++;
            }
        }
        double seconds = seconds(t2);
        pool.shutdown();
        System.out.printf(Locale.ROOT, "[bench] (e) %d devices connected over TLS in %.2f s (%.0f/s)%s%n", connected.size(), seconds,
                connected.size() / seconds, failed > 0 ? ", " + failed + " failed" : "");
        closeAll(connected);
        return failed > 0 ? Double.POSITIVE_INFINITY : seconds;
    }

    /** Publishes {@code count} messages through {@code sender}: message i on client i % clients, at most 500 per client in flight. */
    interface Sender {
        void send(long i, MqttActionListener done) throws Exception;
    }

    private static void publishAll(long count, int clients, Sender sender) throws Exception {
        // at most 500 in flight per client, counted per client: with one window for all, acks that lag on one
        // connection (a loaded machine) let that client exceed the broker's receive maximum and Paho refuses the
        // publish ("Too many publishes in progress", 32202)
        Semaphore[] inflight = new Semaphore[clients];
        MqttActionListener[] dones = new MqttActionListener[clients];
        CountDownLatch finished = new CountDownLatch(1);
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        java.util.concurrent.atomic.AtomicInteger firstRefusal = new java.util.concurrent.atomic.AtomicInteger();
        for (int c = 0; c < clients; c++) {
            Semaphore window = new Semaphore(500);
            inflight[c] = window;
            dones[c] = new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken t) {
                    window.release();
                    int[] codes = t.getReasonCodes();
                    if (codes != null && codes.length > 0 && codes[0] >= 0x80) { // MQTT 5 PUBACK refusal: the broker did not take it
                        refused.incrementAndGet();
                        firstRefusal.compareAndSet(0, codes[0]);
                    }
                    if (acked.incrementAndGet() + failed.get() == count) {
                        finished.countDown();
                    }
                }

                @Override
                public void onFailure(IMqttToken t, Throwable e) {
                    window.release();
                    if (failed.incrementAndGet() + acked.get() == count) {
                        finished.countDown();
                    }
                }
            };
        }
        for (long i = 0; i < count; i++) {
            int c = (int) (i % clients);
            inflight[c].acquire();
            sender.send(i, dones[c]);
        }
        awaitProgress(finished, acked);
        if (failed.get() > 0) {
            System.out.println("[bench] WARNING: " + failed.get() + " publishes failed");
        }
        if (refused.get() > 0) {
            System.out.printf(Locale.ROOT, "[bench] WARNING: %,d publishes acknowledged with a refusal reason code (first 0x%02x)%n",
                    refused.get(), firstRefusal.get());
        }
        if (acked.get() + failed.get() < count) {
            System.out.printf(Locale.ROOT, "[bench] WARNING: %,d of %,d publishes never acknowledged%n", count - acked.get() - failed.get(), count);
        }
    }

    /**
     * The gate before every phase (issue 15): waits until ingest has nothing queued, in flight or spooled
     * ({@link IngestState}) and ingest and influxd each used less than 5 % of a core over the last 2 s, at most
     * {@code max}; so no phase measures the previous one's backlog. Prints how long it waited.
     *
     * @return seconds waited
     */
    private static double awaitQuiet(Ctx ctx, String label, Duration max) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + max.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            IngestState s = IngestState.read();
            if (!s.drained()) {
                state = "ingest: " + s;
                Thread.sleep(250);
                continue;
            }
            long influxd = ctx.pids().get("influxd");
            long ingest = ctx.pids().get("ingest");
            double i0 = Measure.cpuSeconds(influxd);
            double g0 = Measure.cpuSeconds(ingest);
            Thread.sleep(2000);
            double di = Measure.cpuSeconds(influxd) - i0;
            double dg = Measure.cpuSeconds(ingest) - g0;
            if (di < 0.1 && dg < 0.1 && IngestState.read().drained()) {
                double waited = seconds(t0);
                System.out.printf(Locale.ROOT, "[bench] %s: quiet after %.1f s (ingest queue empty; ingest %.0f %%, influxd %.0f %% of a core "
                        + "over 2 s)%n", label, waited, dg * 50, di * 50);
                return waited;
            }
            state = String.format(Locale.ROOT, "ingest %.0f %%, influxd %.0f %% of a core", dg * 50, di * 50);
        }
        System.out.printf(Locale.ROOT, "[bench] WARNING %s: not quiet after %.0f s (%s); going on%n", label, seconds(t0), state);
        return seconds(t0);
    }

    /** Waits for {@code done}, giving up when {@code counter} has not moved for 30 s. */
    private static void awaitProgress(CountDownLatch done, AtomicLong counter) throws InterruptedException {
        long last = -1;
        while (!done.await(30, TimeUnit.SECONDS)) {
            if (counter.get() == last) {
                return;
            }
            last = counter.get();
        }
    }

    /** Where ingest stores the tenant's {@code telemetry}: {@code "<tenant uuid>.telemetry"} (TenantMeasurements). */
    private static String measurement(String tenant) {
        return TenantMeasurements.stored(java.util.UUID.fromString(tenant), "telemetry");
    }

    /** Row {@code i} of device {@code d} as (c)'s payloads carry it (same timestamp, fields and values). */
    private static Point point(Device d, Instant base, long i) {
        Map<String, Object> f = new TreeMap<>();
        for (int k = 0; k < FIELDS; k++) {
            f.put("f" + k, (i % 1000) * 0.5 + k);
        }
        return new Point(measurement(d.tenantId()), new TreeMap<>(Map.of(SharedBuckets.TENANT_TAG, d.tenantId(), SharedBuckets.DEVICE_TAG, d.plcId(),
                "type", "modbus_tcp")), f, nanos(base) + i * 1_000_000L);
    }

    /** A batch payload of {@code rows} rows, 1 ms apart from {@code base + first} ms, with {@code fields} fields. */
    static byte[] payload(Instant base, long first, int rows, int fields) {
        StringBuilder sb = new StringBuilder(rows * (40 + fields * 12)).append('[');
        for (int r = 0; r < rows; r++) {
            if (r > 0) {
                sb.append(',');
            }
            long ms = base.toEpochMilli() + first + r;
            sb.append("{\"ts\":").append(ms).append(",\"seq\":").append(first + r).append(",\"fields\":{");
            for (int k = 0; k < fields; k++) {
                if (k > 0) {
                    sb.append(',');
                }
                sb.append("\"f").append(k).append("\":").append(((first + r) % 1000) * 0.5 + k);
            }
            sb.append("}}");
        }
        return sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    static MqttAsyncClient connect(String url, String clientId, String user, String pw, String caPem, int inflight) throws Exception {
        return connect(url, clientId, user, pw, MqttTls.socketFactory(caPem), inflight);
    }

    /** Connects with a TLS socket factory made once and shared (building one per connection costs milliseconds). */
    static MqttAsyncClient connect(String url, String clientId, String user, String pw, javax.net.ssl.SSLSocketFactory tls,
                                   int inflight) throws Exception {
        MqttAsyncClient c = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(user);
        o.setPassword(pw.getBytes(StandardCharsets.UTF_8));
        o.setSocketFactory(tls);
        o.setReceiveMaximum(inflight);
        o.setCleanStart(true);
        c.connect(o).waitForCompletion(15_000);
        return c;
    }

    /** Disconnects all, 64 at a time (a Paho disconnect sleeps ~100 ms). */
    static void closeAll(java.util.Collection<MqttAsyncClient> clients) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(64);
        clients.forEach(c -> pool.submit(() -> close(c)));
        pool.shutdown();
        try {
            pool.awaitTermination(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void close(MqttAsyncClient c) {
        try {
            c.disconnect().waitForCompletion(5000);
            c.close();
        } catch (Exception ignored) {
            // best effort
        }
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** A subscriber callback that counts and discards every message. */
    private record Discard(Runnable onMessage) implements org.eclipse.paho.mqttv5.client.MqttCallback {
        @Override
        public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) {
        }

        @Override
        public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) {
        }

        @Override
        public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
            onMessage.run();
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String uri) {
        }

        @Override
        public void authPacketArrived(int reason, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) {
        }
    }
}
