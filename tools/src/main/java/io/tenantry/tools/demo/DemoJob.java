package io.tenantry.tools.demo;

import io.tenantry.adapters.auth.LocalIssuer;
import io.tenantry.adapters.influx.InfluxQL;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.edge.ReplayOptions;
import io.tenantry.edge.ReplaySummary;
import io.tenantry.edge.Replayer;
import io.tenantry.edge.Speed;
import io.tenantry.tools.Options;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * The platform's main job, end to end on real data (issue 4, "The main job"):
 * <ol>
 *   <li>provisions two demo tenants through the API: an ENTERPRISE tenant with one device per SKAB file
 *       ({@code valve1/0..15.csv}, {@code anomaly-free.csv}: 17 devices, 8 channels, 1 s) and a FREE tenant with the
 *       two NAB files (machine and ambient temperature);</li>
 *   <li>replays every file through the edge agent over MQTT/TLS with its device credential, all devices in
 *       parallel, timestamps re-based to now, label columns ({@code anomaly}, {@code changepoint}) not sent;</li>
 *   <li>waits until InfluxDB holds every expected field value (or stops progressing);</li>
 *   <li>reads every device back through the telemetry API and counts points and field values, checks another
 *       tenant's token gets 404, and counts, as InfluxDB admin, points of each tenant tagged with a device that is
 *       not its own;</li>
 *   <li>prints a human summary; the last line is one JSON object.</li>
 * </ol>
 * Expected numbers come from the CSV files themselves ({@link CsvExpectation}); stored numbers come from InfluxDB
 * through the API, not from ingest's counters. Exit code 0 when they agree, there are no dead letters and no
 * cross-tenant points.
 */
public final class DemoJob {
    private static final List<String> LABELS = List.of("anomaly", "changepoint");
    private static final String TS = "yyyy-MM-dd HH:mm:ss";

    private DemoJob() {
    }

    /** One data file replayed as one device. */
    record Feed(String tenantKey, String plcId, String type, Path csv, String separator, ZoneId zone, Map<String, String> tags) {
    }

    /** A provisioned device with its credential. */
    record Provisioned(Feed feed, String tenantId, String deviceId, String username, String password, String topic,
                       String brokerUrl) {
    }

    public static int run(Options o) throws Exception {
        Instant started = Instant.now();
        Path repo = Path.of(o.get("repo", ".")).toAbsolutePath().normalize();
        Path datasets = Path.of(o.get("datasets", System.getenv().getOrDefault("TENANTRY_DATASETS",
                repo.resolve("../shared/datasets").toString()))).toAbsolutePath().normalize();
        if (!Files.isDirectory(datasets.resolve("skab/data/valve1")) || !Files.isDirectory(datasets.resolve("nab/data/realKnownCause"))) {
            System.out.println("""
                    The demo replays the real sensor data in ../shared/datasets (SKAB and NAB), which is not here: %s
                    Point it elsewhere with: bin/tenantry demo --datasets /path/to/datasets (or TENANTRY_DATASETS=...)
                    Or replay any CSV yourself with the edge agent, using a device credential from the API:
                      java -jar edge-agent/target/tenantry-edge-agent.jar --broker ssl://localhost:18883 \\
                        --username t_<slug>.<plc_id> --password-file pw.txt --ca-file ca.pem \\
                        --topic plc/<slug>/<plc_id> --csv data.csv --separator ';' \\
                        --timestamp-format 'yyyy-MM-dd HH:mm:ss' --speed max --rebase-to-now
                    """.formatted(datasets));
            return 2;
        }
        Map<String, String> env = o.stackEnv();
        String api = o.get("api", "http://127.0.0.1:18080");
        Speed speed = Speed.parse(o.get("speed", "max"));
        String run = HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(), 0, 3);
        Path work = Path.of(env.getOrDefault("TENANTRY_STATE_DIR", ".stack"), "demo", run);
        Files.createDirectories(work);

        LocalIssuer issuer = LocalIssuer.loadOrCreate(Path.of(env.getOrDefault("TENANTRY_STATE_DIR", ".stack"), "issuer", "jwk.json"),
                "tenantry-local", "tenantry-api");
        ApiClient client = new ApiClient(api);
        String admin = issuer.mint("demo-admin", null, List.of("platform_admin"), Duration.ofHours(2));

        // 1. tenants and devices
        List<Feed> feeds = new ArrayList<>();
        Path skab = datasets.resolve("skab/data");
        for (int i = 0; i < 16; i++) {
            feeds.add(new Feed("pro", "valve1-" + i, "modbus_tcp", skab.resolve("valve1/" + i + ".csv"), ";",
                    ZoneId.of("Europe/Moscow"), Map.of("rig", "skab", "experiment", "valve1")));
        }
        feeds.add(new Feed("pro", "anomaly-free", "modbus_tcp", skab.resolve("anomaly-free/anomaly-free.csv"), ";",
                ZoneId.of("Europe/Moscow"), Map.of("rig", "skab", "experiment", "anomaly-free")));
        Path nab = datasets.resolve("nab/data/realKnownCause");
        feeds.add(new Feed("free", "machine-temp", "opcua", nab.resolve("machine_temperature_system_failure.csv"), ",",
                ZoneOffset.UTC, Map.of("source", "nab")));
        feeds.add(new Feed("free", "ambient-temp", "opcua", nab.resolve("ambient_temperature_system_failure.csv"), ",",
                ZoneOffset.UTC, Map.of("source", "nab")));

        Map<String, String> tenantIds = new LinkedHashMap<>();
        Map<String, String> slugs = Map.of("pro", "skab-" + run, "free", "nab-" + run);
        // SKAB streams 17 devices x 8 channels at 1 Hz = 8,160 field values/min in real time: over PRO's 5,000/min
        // (issue 10), so its honest plan is ENTERPRISE; NAB's two slow sensors fit FREE (2 devices)
        tenantIds.put("pro", client.createTenant(admin, slugs.get("pro"), "SKAB water-pump rig (demo " + run + ")", "ENTERPRISE"));
        tenantIds.put("free", client.createTenant(admin, slugs.get("free"), "NAB machine room (demo " + run + ")", "FREE"));
        say("provisioned tenants %s (ENTERPRISE) and %s (FREE)", slugs.get("pro"), slugs.get("free"));

        Path ca = work.resolve("ca.pem");
        List<Provisioned> devices = new ArrayList<>();
        for (Feed f : feeds) {
            String tenant = tenantIds.get(f.tenantKey());
            String owner = issuer.mint("demo-owner", tenant, List.of("owner"), Duration.ofHours(2));
            ApiClient.DeviceCredential dc = client.createDeviceWithCredential(owner, tenant,
                    Map.of("plcId", f.plcId(), "type", f.type(), "tags", f.tags()));
            if (!Files.exists(ca)) {
                Files.writeString(ca, dc.credential().get("caCertificate").asString());
            }
            devices.add(new Provisioned(f, tenant, dc.deviceId(), dc.username(), dc.password(), dc.topic(),
                    dc.credential().get("brokerUrl").asString()));
        }
        say("provisioned %d devices with MQTT credentials (TLS, per-device topic ACL)", devices.size());

        // Fit every file into its tenant plan's time window (docs/telemetry.md §5): ingest refuses timestamps more
        // than the plan's raw retention in the past or more than max_future_minutes ahead. Each file is moved so its
        // last row lies one minute before the replay; a file longer than the plan keeps raw data (NAB: 2.5 and 10
        // months, FREE keeps 3 days) is also time-compressed by a whole factor so it fits in (retention - 1 day).
        Instant anchor = Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Map<String, Path> fitted = new LinkedHashMap<>();
        Map<String, Long> factors = new LinkedHashMap<>(); // issue 12: the alert scoring maps label times
        for (Provisioned p : devices) {
            Duration window = Duration.ofDays(p.feed().tenantKey().equals("pro") ? 7 - 1 : 3 - 1);
            Path out = work.resolve(p.feed().plcId() + ".csv");
            long factor = fitToWindow(p.feed().csv(), p.feed().separator(), p.feed().zone(), window, anchor, out);
            if (factor > 1) {
                say("%s: %s spans more than its plan's raw retention; replayed %dx time-compressed", p.feed().plcId(),
                        p.feed().csv().getFileName(), factor);
            }
            fitted.put(p.username(), out);
            factors.put(p.username(), factor);
        }

        // expected outcome, from the files alone
        Map<String, CsvExpectation> expected = new LinkedHashMap<>();
        for (Provisioned p : devices) {
            expected.put(p.username(), CsvExpectation.of(fitted.get(p.username()), p.feed().separator(), TS, LABELS));
        }

        // 2. replay all devices in parallel
        say("replaying %d files over MQTT/TLS at speed %s ...", devices.size(), o.get("speed", "max"));
        ExecutorService pool = Executors.newFixedThreadPool(devices.size());
        Map<String, Future<ReplaySummary>> futures = new LinkedHashMap<>();
        Instant replayStart = Instant.now();
        for (Provisioned p : devices) {
            ReplayOptions ro = ReplayOptions.builder().brokerUrl(p.brokerUrl()).username(p.username()).password(p.password())
                    .caFile(ca).topic(p.topic()).clientId(p.username()).csv(fitted.get(p.username())).separator(p.feed().separator())
                    .timestampFormat(TS).zone(p.feed().zone()).exclude(LABELS).speed(speed).rebaseToNow(false)
                    .batchSize(Integer.parseInt(o.get("batch", "100"))).spoolDir(work.resolve("spool"))
                    .ackTimeout(Duration.ofMinutes(5)).build();
            futures.put(p.username(), pool.submit(() -> Replayer.run(ro)));
        }
        long rowsRead = 0;
        long acked = 0;
        long published = 0;
        Map<String, Long> skipped = new LinkedHashMap<>();
        for (var e : futures.entrySet()) {
            ReplaySummary s = e.getValue().get();
            rowsRead += s.rowsRead();
            acked += s.messagesAcknowledged();
            published += s.messagesPublished();
            s.skipped().forEach((k, v) -> skipped.merge(k, v, Long::sum));
        }
        pool.shutdown();
        Duration replayTime = Duration.between(replayStart, Instant.now());
        say("replayed %d rows in %d messages (%d acknowledged by the broker) in %.1f s; skipped rows: %s",
                rowsRead, published, acked, replayTime.toMillis() / 1000.0, skipped.isEmpty() ? "none" : skipped);

        // 3. wait until InfluxDB has everything (or stops progressing)
        InfluxV1Client influx = new InfluxV1Client(env.get("TENANTRY_INFLUX_URL"), env.get("TENANTRY_INFLUX_ADMIN_USER"),
                env.get("TENANTRY_INFLUX_ADMIN_PASSWORD"), Duration.ofSeconds(60));
        long expectedValues = expected.values().stream().mapToLong(CsvExpectation::fieldValues).sum();
        long expectedPoints = expected.values().stream().mapToLong(CsvExpectation::points).sum();
        long stored = 0;
        long lastChange = System.nanoTime();
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            long now = 0;
            for (String t : tenantIds.values()) {
                now += fieldValues(influx, t);
            }
            if (now != stored) {
                stored = now;
                lastChange = System.nanoTime();
            }
            if (stored >= expectedValues || System.nanoTime() - lastChange > Duration.ofSeconds(60).toNanos()) {
                break;
            }
            Thread.sleep(1000);
        }
        Duration catchUp = Duration.between(replayStart, Instant.now());
        say("ingest caught up: %d of %d field values in InfluxDB, %.1f s after the replay started", stored, expectedValues,
                catchUp.toMillis() / 1000.0);

        // 4. read back through the telemetry API
        long pointsStored = 0;
        long valuesStored = 0;
        long crossTenant = 0;
        String from = replayStart.minus(Duration.ofDays(8)).toString(); // fitted files lie within the plans' retention
        String to = replayStart.plus(Duration.ofDays(1)).toString();
        Map<String, long[]> perTenant = new LinkedHashMap<>();
        for (Provisioned p : devices) {
            String viewer = issuer.mint("demo-viewer", p.tenantId(), List.of("viewer"), Duration.ofHours(1));
            ApiClient.Response r = client.get(viewer, "/api/v1/tenants/" + p.tenantId() + "/devices/" + p.deviceId()
                    + "/telemetry?from=" + from + "&to=" + to + "&limit=100000");
            if (r.status() != 200) {
                throw new IllegalStateException("telemetry read of " + p.username() + " answered " + r.status() + ": " + r.body());
            }
            long pts = 0;
            long vals = 0;
            for (JsonNode point : r.body().get("points")) {
                pts++;
                vals += point.get("fields").size();
            }
            pointsStored += pts;
            valuesStored += vals;
            long[] acc = perTenant.computeIfAbsent(p.feed().tenantKey(), k -> new long[4]);
            acc[0] += pts;
            acc[1] += vals;
            acc[2] += expected.get(p.username()).points();
            acc[3] += expected.get(p.username()).fieldValues();
            // another tenant's token must not read this device
            String otherTenant = tenantIds.get(p.feed().tenantKey().equals("pro") ? "free" : "pro");
            String other = issuer.mint("demo-other", otherTenant, List.of("owner"), Duration.ofHours(1));
            ApiClient.Response leak = client.get(other, "/api/v1/tenants/" + p.tenantId() + "/devices/" + p.deviceId() + "/telemetry?limit=10");
            ApiClient.Response leak2 = client.get(other, "/api/v1/tenants/" + otherTenant + "/devices/" + p.deviceId() + "/telemetry?limit=10");
            for (ApiClient.Response l : List.of(leak, leak2)) {
                if (l.status() != 404) {
                    crossTenant += l.body() != null && l.body().has("points") ? Math.max(1, l.body().get("points").size()) : 1;
                }
            }
        }
        // points of each tenant tagged with a device that is not its own (as InfluxDB admin)
        for (var t : tenantIds.entrySet()) {
            String own = devices.stream().filter(p -> p.tenantId().equals(t.getValue())).map(p -> p.feed().plcId())
                    .collect(Collectors.joining("|"));
            crossTenant += points(influx, "SELECT * FROM " + raw(t.getValue()) + " WHERE " + InfluxQL.tag(SharedBuckets.TENANT_TAG)
                    + " = " + InfluxQL.string(t.getValue()) + " AND " + InfluxQL.tag(SharedBuckets.DEVICE_TAG) + " !~ /^(" + own + ")$/"
                    + " AND time >= '" + from + "' AND time <= '" + to + "'");
        }
        long deadLetters = deadLetters(env, tenantIds.values());
        // 4b. the query gateway (issue 13): both tenants' Grafana request shapes with their own credentials
        GatewayDemo.Result gw = GatewayDemo.runIfEnabled(o, repo, client, issuer, influx, tenantIds, slugs, devices);
        RollupDemoCheck.Result rollups = RollupDemoCheck.run(o.get("quota", "http://127.0.0.1:18083"), client, devices.stream() // issue 11
                .map(p -> new RollupDemoCheck.Device(p.username(), "/api/v1/tenants/" + p.tenantId() + "/devices/" + p.deviceId() + "/telemetry",
                        issuer.mint("demo-viewer", p.tenantId(), List.of("viewer"), Duration.ofHours(1)))).toList(), Instant.parse(from), Instant.parse(to));

        // 4c. alert-engine (issue 12): an anomaly rule per SKAB/NAB device replayed over the data, scored on the labels
        List<AlertScoring.Device> skabDevices = new ArrayList<>();
        List<AlertScoring.Device> nabDevices = new ArrayList<>();
        AlertScoring.Device calibration = null;
        for (Provisioned p : devices) {
            var d = new AlertScoring.Device(p.tenantId(), p.feed().plcId(), fitted.get(p.username()), p.feed().csv(), p.feed().zone(),
                    p.feed().separator(), factors.get(p.username()));
            if (p.feed().plcId().equals("anomaly-free")) calibration = d;
            else if (p.feed().plcId().startsWith("valve1-")) skabDevices.add(d);
            else if (p.feed().tenantKey().equals("free")) nabDevices.add(d);
        }
        AlertScoring.Scores alerts = AlertScoring.run(o.get("alerts", "http://127.0.0.1:" + env.getOrDefault("TENANTRY_ALERT_PORT", "18084")),
                issuer, calibration, skabDevices, nabDevices, datasets.resolve("nab/labels/combined_windows.json"));

        // 4d. issue 10: each tenant's usage as quota-service reports it must add up to what InfluxDB holds
        DemoUsage.Result usage = DemoUsage.read(o.get("quota", "http://127.0.0.1:18083"), issuer,
                tenantIds.entrySet().stream().collect(Collectors.toMap(Map.Entry::getValue, e -> slugs.get(e.getKey()))),
                replayStart, valuesStored, Duration.ofSeconds(90));

        // 5. summary
        long seconds = Math.round(Duration.between(started, Instant.now()).toMillis() / 1000.0);
        System.out.println();
        System.out.println("Tenantry demo " + run + " — real data through MQTT/TLS → ingest → InfluxDB → telemetry API");
        for (var e : perTenant.entrySet()) {
            long[] a = e.getValue();
            System.out.printf(Locale.ROOT, "  %-14s %-10s %2d devices  points %,9d of %,9d expected  field values %,10d of %,10d expected%n",
                    slugs.get(e.getKey()), e.getKey().equals("pro") ? "ENTERPRISE" : "FREE",
                    devices.stream().filter(p -> p.feed().tenantKey().equals(e.getKey())).count(), a[0], a[2], a[1], a[3]);
        }
        System.out.printf(Locale.ROOT, "  rows read %,d; replay %.1f s (%,.0f rows/s); dead letters %d; cross-tenant points %d%n",
                rowsRead, replayTime.toMillis() / 1000.0, rowsRead / Math.max(0.001, replayTime.toMillis() / 1000.0), deadLetters, crossTenant);
        System.out.printf(Locale.ROOT, "  rollups (10 s, 1 m) vs raw through the API: %,d windows checked, %d mismatches %s; pass %s%n",
                rollups.windowsChecked(), rollups.mismatches(), rollups.examples(), rollups.pass());
        System.out.printf(Locale.ROOT, "  alerts (EWMA anomaly rule per device, replayed; SKAB L = %.2f): %d fired, %d resolved; SKAB valve1: precision %.3f"
                        + " recall %.3f F1 %.3f FAR %.2f%% MAR %.2f%%; NAB: %d of %d labelled windows detected, %d firings outside%n",
                alerts.limitSigmas(), alerts.fired(), alerts.resolved(), alerts.precision(), alerts.recall(), alerts.f1(), alerts.far(), alerts.mar(),
                alerts.nabDetected(), alerts.nabWindows(), alerts.nabFalseAlarms());
        alerts.nabLines().forEach(l -> System.out.println("    NAB " + l));
        usage.tenants().values().forEach(u -> System.out.printf(Locale.ROOT,
                "  usage %-14s %-10s field values %,10d  points %,9d  messages %,7d  %.2f %% of the daily budget%n",
                u.slug(), u.plan(), u.fieldValues(), u.points(), u.messages(), u.quotaPercent()));
        System.out.println("  Swagger UI:        " + api + "/swagger-ui.html   (token: bin/tenantry token --role owner --tenant " + tenantIds.get("pro") + ")");
        System.out.println("  Ingest status:     " + o.get("ingest", "http://127.0.0.1:18081") + "/admin/ingest");
        System.out.println("  Telemetry example: " + api + "/api/v1/tenants/" + tenantIds.get("pro") + "/devices/" + devices.get(0).deviceId()
                + "/telemetry?aggregate=mean&interval=1m");
        System.out.println("  The services keep running. Stop them with: bin/tenantry stop && bin/stack down");
        // issue 14: Grafana organisations, generated dashboards and their queries (GrafanaDemo)
        String gatewayUrl = o.get("gateway", "http://127.0.0.1:" + env.getOrDefault("TENANTRY_GATEWAY_PORT", "18085"));
        Map<String, Object> grafana = GrafanaDemo.run(env, tenantIds.keySet().stream()
                .map(k -> new GrafanaDemo.DemoTenant(tenantIds.get(k), slugs.get(k))).toList(), gatewayUrl, t -> {
                    // the tenant's own gateway credential (issue 13), as the Grafana feature obtains it
                    String owner = issuer.mint("demo-owner", t.id(), List.of("owner"), Duration.ofHours(1));
                    var cred = client.postExpect(owner, "/api/v1/tenants/" + t.id() + "/query-credentials",
                            Map.of("use", "grafana"), 201);
                    return new io.tenantry.adapters.grafana.GrafanaProvisioner.Credential(cred.get("username").asString(),
                            cred.get("secret").asString());
                });
        boolean ok = pointsStored == expectedPoints && valuesStored == expectedValues && crossTenant == 0 && deadLetters == 0
                && gw.crossTenantRows() == 0 && rollups.mismatches() == 0 && rollups.windowsChecked() > 0
                && usage.fieldValues() == valuesStored
                && grafana.get("dashboard_queries_empty").equals(0) && grafana.get("dashboard_queries_foreign_plc_ids").equals(0);
        if (!ok) {
            System.out.printf(Locale.ROOT, "  MISMATCH: expected %d points and %d field values (usage endpoint: %d)%n",
                    expectedPoints, expectedValues, usage.fieldValues());
        }
        System.out.printf(Locale.ROOT, "{\"tenants\":%d,\"devices\":%d,\"rows_read\":%d,\"points_stored\":%d,\"field_values_stored\":%d,"
                        + "\"dead_letters\":%d,\"cross_tenant_points\":%d,\"gateway_queries\":%d,\"gateway_cross_tenant_rows\":%d,"
                        + "\"alert_events\":%d,\"anomaly_f1\":%.4f,"
                        + "\"seconds\":%d,\"rollup_windows_checked\":%d,\"rollup_mismatches\":%d%s%s}%n",
                tenantIds.size(), devices.size(), rowsRead, pointsStored, valuesStored, deadLetters, crossTenant, gw.queries(),
                gw.crossTenantRows(), alerts.fired(), Double.isNaN(alerts.f1()) ? 0.0 : alerts.f1(), seconds,
                rollups.windowsChecked(), rollups.mismatches(), usage.jsonKeys(), GrafanaDemo.json(grafana));
        return ok ? 0 : 1;
    }

    /**
     * Writes a copy of {@code csv} whose first-column timestamps are moved (and, when the file spans more than
     * {@code window}, compressed by a whole factor) so that the last row lies at {@code end} and the first no
     * earlier than {@code end - window}. Order, repeated timestamps and every other cell are kept; compressed
     * timestamps are truncated to whole seconds (the pattern has no fraction).
     *
     * @return the compression factor (1 when the file fits)
     * @throws IOException when a file cannot be read or written
     */
    static long fitToWindow(Path csv, String separator, ZoneId zone, Duration window, Instant end, Path out) throws IOException {
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern(TS).withZone(zone);
        List<String> lines = Files.readAllLines(csv, java.nio.charset.StandardCharsets.UTF_8);
        String sep = java.util.regex.Pattern.quote(separator);
        Instant min = null;
        Instant max = null;
        Instant[] ts = new Instant[lines.size()];
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                ts[i] = java.time.LocalDateTime.parse(line.split(sep, 2)[0].trim(), f).atZone(zone).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                continue; // the edge agent skips such rows too
            }
            min = min == null || ts[i].isBefore(min) ? ts[i] : min;
            max = max == null || ts[i].isAfter(max) ? ts[i] : max;
        }
        long factor = 1;
        if (min != null) {
            long span = Duration.between(min, max).toSeconds();
            factor = Math.max(1, (span + window.toSeconds() - 1) / window.toSeconds());
        }
        StringBuilder sb = new StringBuilder(lines.get(0)).append('\n');
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (ts[i] == null) {
                sb.append(line).append('\n');
                continue;
            }
            long back = Duration.between(ts[i], max).toSeconds() / factor;
            String[] cells = line.split(sep, 2);
            sb.append(f.format(end.minusSeconds(back))).append(cells.length > 1 ? separator + cells[1] : "").append('\n');
        }
        Files.writeString(out, sb, java.nio.charset.StandardCharsets.UTF_8);
        return factor;
    }

    /** The tenant's {@code telemetry} measurement in the raw bucket: {@code "<tenant uuid>.telemetry"} (TenantMeasurements). */
    private static String raw(String tenant) {
        return InfluxQL.ident(SharedBuckets.RAW.database()) + "." + InfluxQL.ident(SharedBuckets.RAW.retentionPolicy()) + "."
                + InfluxQL.ident(TenantMeasurements.stored(UUID.fromString(tenant), "telemetry"));
    }

    /** Sum of count(*) over all fields of one tenant's points. */
    static long fieldValues(InfluxV1Client influx, String tenant) {
        var rs = influx.query("SELECT count(*) FROM " + raw(tenant) + " WHERE " + InfluxQL.tag(SharedBuckets.TENANT_TAG) + " = "
                + InfluxQL.string(tenant), SharedBuckets.RAW.database());
        long sum = 0;
        for (List<Object> row : rs.get(0).rows()) {
            for (int i = 1; i < row.size(); i++) {
                if (row.get(i) instanceof Number n) {
                    sum += n.longValue();
                }
            }
        }
        return sum;
    }

    private static long points(InfluxV1Client influx, String q) {
        return influx.query(q, SharedBuckets.RAW.database()).get(0).rows().size();
    }

    private static long deadLetters(Map<String, String> env, java.util.Collection<String> tenants) throws Exception {
        try (Connection c = DriverManager.getConnection(env.get("TENANTRY_PG_URL"), env.get("TENANTRY_PG_APP_USER"),
                env.get("TENANTRY_PG_APP_PASSWORD"));
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM dead_letters WHERE tenant_id = ANY (?)")) {
            s.setArray(1, c.createArrayOf("uuid", tenants.stream().map(UUID::fromString).toArray()));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static void say(String fmt, Object... args) {
        System.out.println("[demo] " + String.format(Locale.ROOT, fmt, args));
    }
}
