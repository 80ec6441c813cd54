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
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingest benchmark (issue 4, "Benchmark"): four measurements in one run on the same machine, with many devices
 * of several tenants, and the ratios that matter.
 * <ol>
 *   <li>(a) raw InfluxDB write throughput: batched line protocol (5,000 points per request) straight to
 *       {@code /write} — the storage limit, points/s;</li>
 *   <li>(b) broker pass-through: the same JSON messages published over TLS (QoS 1) and consumed by a subscriber
 *       that discards them — the transport limit, messages/s;</li>
 *   <li>(c) end to end: devices publish over TLS, ingest writes to InfluxDB; points/s from the first publish until
 *       InfluxDB holds every point, with the CPU seconds per million points of Mosquitto, the ingest JVM and influxd
 *       read from {@code /proc/<pid>/stat} (utime + stime);</li>
 *   <li>(d) publish → queryable delay, p50 and p99, at half of (c)'s rate.</li>
 * </ol>
 * Prints {@code (c) ÷ min(a, b × points per message)} (target ≥ 0.5 on 2 cores) and
 * {@code ingest CPU per point ÷ influxd CPU per point} (target ≤ 1). A benchmark, not a test: numbers vary.
 */
public final class IngestBenchmark {
    private static final long CLK_TCK = 100; // USER_HZ on Linux

    private IngestBenchmark() {
    }

    record Device(String tenantId, String username, String password, String topic, String plcId) {
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
        int tenants = Integer.parseInt(o.get("tenants", "3"));
        int devicesPerTenant = Integer.parseInt(o.get("devices", "10"));
        int rowsPerMessage = Integer.parseInt(o.get("rows-per-message", "10"));
        int fields = 8;
        long points = Long.parseLong(o.get("points", "300000"));
        Path state = Path.of(env.getOrDefault("TENANTRY_STATE_DIR", ".stack"));
        String run = session.run();
        ApiClient client = session.client();
        String admin = session.admin();
        List<Device> devices = new ArrayList<>();
        String ca = null;
        for (int t = 0; t < tenants; t++) {
            String tenant = client.createTenant(admin, "bench-" + run + "-" + t, "bench " + run, "PRO");
            String owner = session.owner(tenant);
            for (int d = 0; d < devicesPerTenant; d++) {
                String plc = "dev-" + d;
                ApiClient.DeviceCredential dc = client.createDeviceWithCredential(owner, tenant, Map.of("plcId", plc, "type", "modbus_tcp"));
                ca = dc.credential().get("caCertificate").asString();
                devices.add(new Device(tenant, dc.username(), dc.password(), dc.topic(), plc));
            }
        }
        long messages = points / rowsPerMessage;
        points = messages * rowsPerMessage;
        System.out.printf(Locale.ROOT, "[bench] %d tenants x %d devices, %,d points (%d fields each) in %,d messages of %d rows%n",
                tenants, devicesPerTenant, points, fields, messages, rowsPerMessage);
        Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

        // (a) raw InfluxDB write throughput
        InfluxV1Client influx = new InfluxV1Client(env.get("TENANTRY_INFLUX_URL"), env.get("TENANTRY_INFLUX_ADMIN_USER"),
                env.get("TENANTRY_INFLUX_ADMIN_PASSWORD"), Duration.ofSeconds(60));
        Bucket benchBucket = new Bucket("bench_raw_" + run, "autogen", Duration.ofDays(1));
        influx.execute("CREATE DATABASE " + InfluxQL.ident(benchBucket.database()));
        long tA = System.nanoTime();
        List<Point> batch = new ArrayList<>(5000);
        for (long i = 0; i < points; i++) {
            Device d = devices.get((int) (i % devices.size()));
            batch.add(point(d, base, i, fields));
            if (batch.size() == 5000) {
                influx.write(benchBucket.database(), null, LineProtocol.toLines(batch));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            influx.write(benchBucket.database(), null, LineProtocol.toLines(batch));
        }
        double a = points / seconds(tA);
        influx.execute("DROP DATABASE " + InfluxQL.ident(benchBucket.database()));
        System.out.printf(Locale.ROOT, "[bench] (a) raw InfluxDB /write, 5,000-point batches: %,.0f points/s%n", a);

        // (b) broker pass-through over TLS, subscriber discards; a bench login allowed on bench/<run>/# only
        String tls = env.get("TENANTRY_MQTT_TLS_URL");
        String adminUser = "bench-" + run;
        String adminPw = UUID.randomUUID().toString();
        MosquittoDynsecBrokerAdmin brokerAdmin = new MosquittoDynsecBrokerAdmin(env.get("TENANTRY_MQTT_URL"),
                env.get("TENANTRY_MQTT_ADMIN_USER"), env.get("TENANTRY_MQTT_ADMIN_PASSWORD"), Duration.ofSeconds(10));
        String benchTopics = "bench/" + run + "/#";
        brokerAdmin.ensureRole(adminUser, List.of(AclRule.allow(AclRule.Type.PUBLISH_CLIENT_SEND, benchTopics),
                AclRule.allow(AclRule.Type.SUBSCRIBE_PATTERN, benchTopics),
                AclRule.allow(AclRule.Type.PUBLISH_CLIENT_RECEIVE, benchTopics)));
        // one login per connection: on the device listener the client id is the username (docs/security.md), so
        // connections sharing a login would replace each other
        List<String> benchLogins = new ArrayList<>();
        java.util.function.Function<String, String> login = name -> {
            brokerAdmin.ensureClient(name, adminPw, List.of(adminUser));
            benchLogins.add(name);
            return name;
        };
        AtomicLong received = new AtomicLong();
        MqttAsyncClient sink = connect(tls, "bench-sink-" + run, login.apply(adminUser + "-sink"), adminPw, ca, 65535);
        CountDownLatch allIn = new CountDownLatch(1);
        long expectMsgs = messages;
        sink.setCallback(new Discard(() -> {
            if (received.incrementAndGet() == expectMsgs) {
                allIn.countDown();
            }
        }));
        sink.subscribe(new MqttSubscription("bench/" + run + "/#", 1)).waitForCompletion(10_000);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            payloads.add(payload(base, i * rowsPerMessage, rowsPerMessage, fields));
        }
        MqttAsyncClient[] pubs = new MqttAsyncClient[Math.min(devices.size(), 10)];
        for (int i = 0; i < pubs.length; i++) {
            pubs[i] = connect(tls, "bench-pub-" + run + "-" + i, login.apply(adminUser + "-pub-" + i), adminPw, ca, 1000);
        }
        long tB = System.nanoTime();
        publishAll(messages, pubs.length, (i, done) -> pubs[(int) (i % pubs.length)].publish("bench/" + run + "/" + (i % devices.size()),
                payloads.get((int) (i % payloads.size())), 1, false, null, done));
        awaitProgress(allIn, received);
        double b = received.get() / seconds(tB);
        for (MqttAsyncClient p : pubs) {
            close(p);
        }
        close(sink);
        benchLogins.forEach(brokerAdmin::deleteClient);
        brokerAdmin.deleteRole(adminUser);
        brokerAdmin.close();
        if (received.get() < messages) {
            System.out.printf(Locale.ROOT, "[bench] WARNING: the subscriber got %,d of %,d messages%n", received.get(), messages);
        }
        System.out.printf(Locale.ROOT, "[bench] (b) Mosquitto pass-through (TLS, QoS 1, discarded): %,.0f messages/s (= %,.0f points/s)%n",
                b, b * rowsPerMessage);

        // (c) end to end with CPU accounting
        Map<String, Long> pids = Map.of(
                "mosquitto", pid(state.resolve("mosquitto/mosquitto.pid")),
                "ingest", pid(state.resolve("run/ingest.pid")),
                "influxd", pid(state.resolve("influxdb/influxd.pid")));
        Map<String, Double> cpu0 = new TreeMap<>();
        MqttAsyncClient[] devClients = new MqttAsyncClient[devices.size()];
        for (int i = 0; i < devices.size(); i++) {
            Device d = devices.get(i);
            devClients[i] = connect(tls, d.username(), d.username(), d.password(), ca, 1000);
        }
        // warm-up: the same load end to end once, so (c) measures the ingest JVM in steady state (JIT compiled),
        // not its first seconds; not counted
        Instant wBase = Instant.now().minus(Duration.ofMinutes(50)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        long warmMessages = Math.max(devices.size(), messages / devices.size() * devices.size());
        publishAll(warmMessages, devices.size(), (i, done) -> {
            int di = (int) (i % devices.size());
            devClients[di].publish(devices.get(di).topic(), payload(wBase, (i / devices.size()) * rowsPerMessage, rowsPerMessage, fields),
                    1, false, null, done);
        });
        waitForPoints(influx, devices, wBase, warmMessages * rowsPerMessage, Duration.ofMinutes(5));
        // let influxd finish the compaction (a) and the warm-up caused, so (c) measures (c) only
        waitUntilIdle(pids.get("influxd"), Duration.ofSeconds(90));
        pids.forEach((k, v) -> cpu0.put(k, cpuSeconds(v)));
        Instant cBase = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        long tC = System.nanoTime();
        long perDevice = messages / devices.size();
        long cMessages = perDevice * devices.size();
        publishAll(cMessages, devices.size(), (i, done) -> {
            int di = (int) (i % devices.size());
            long seqInDevice = i / devices.size();
            devClients[di].publish(devices.get(di).topic(), payload(cBase, seqInDevice * rowsPerMessage, rowsPerMessage, fields), 1, false, null, done);
        });
        long cPoints = cMessages * rowsPerMessage;
        long stored = waitForPoints(influx, devices, cBase, cPoints, Duration.ofMinutes(10));
        double cSeconds = seconds(tC);
        double c = stored / cSeconds;
        Map<String, Double> cpuPerMillion = new TreeMap<>();
        pids.forEach((k, v) -> cpuPerMillion.put(k, (cpuSeconds(v) - cpu0.get(k)) / (stored / 1e6)));
        System.out.printf(Locale.ROOT, "[bench] (c) end to end MQTT/TLS -> ingest -> InfluxDB: %,d of %,d points in %.1f s = %,.0f points/s%n",
                stored, cPoints, cSeconds, c);
        cpuPerMillion.forEach((k, v) -> System.out.printf(Locale.ROOT, "[bench]     CPU %-9s %.2f s per million points%n", k, v));

        // (d) publish -> queryable delay at half of (c)'s rate, one device
        Device probe = devices.get(0);
        double rate = Math.max(1, c / 2 / rowsPerMessage); // messages/s
        int probes = (int) Math.min(2000, Math.max(200, rate * 10));
        long[] sentAt = new long[probes];
        long[] seenAt = new long[probes];
        Instant dBase = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Thread poller = new Thread(() -> {
            int seen = 0;
            while (seen < probes && !Thread.currentThread().isInterrupted()) {
                long n = countSince(influx, probe, dBase) / rowsPerMessage;
                long now = System.nanoTime();
                for (; seen < Math.min(n, probes); seen++) {
                    seenAt[seen] = now;
                }
            }
        });
        poller.start();
        long interval = (long) (1e9 / rate);
        long next = System.nanoTime();
        for (int i = 0; i < probes; i++) {
            while (System.nanoTime() < next) {
                Thread.onSpinWait();
            }
            sentAt[i] = System.nanoTime();
            devClients[0].publish(probe.topic(), payload(dBase, (long) i * rowsPerMessage, rowsPerMessage, fields), 1, false);
            next += interval;
        }
        poller.join(Duration.ofMinutes(2).toMillis());
        poller.interrupt();
        long[] delays = new long[probes];
        for (int i = 0; i < probes; i++) {
            delays[i] = seenAt[i] == 0 ? Long.MAX_VALUE : seenAt[i] - sentAt[i];
        }
        Arrays.sort(delays);
        double p50 = delays[probes / 2] / 1e6;
        double p99 = delays[(int) (probes * 0.99) - 1] / 1e6;
        System.out.printf(Locale.ROOT, "[bench] (d) publish -> queryable at %.0f messages/s (%,.0f points/s): p50 %.0f ms, p99 %.0f ms (%d probes)%n",
                rate, rate * rowsPerMessage, p50, p99, probes);
        for (MqttAsyncClient dc : devClients) {
            close(dc);
        }

        double limit = Math.min(a, b * rowsPerMessage);
        double ratio = c / limit;
        double cpuRatio = cpuPerMillion.get("ingest") / cpuPerMillion.get("influxd");
        System.out.printf(Locale.ROOT, "[bench] RATIO end-to-end / min(raw write, broker x points per message) = %,.0f / %,.0f = %.2f (target >= 0.5)%n",
                c, limit, ratio);
        System.out.printf(Locale.ROOT, "[bench] RATIO ingest CPU per point / influxd CPU per point = %.2f / %.2f = %.2f (target <= 1)%n",
                cpuPerMillion.get("ingest"), cpuPerMillion.get("influxd"), cpuRatio);
        System.out.printf(Locale.ROOT, "{\"raw_write_points_per_s\":%.0f,\"broker_messages_per_s\":%.0f,\"e2e_points_per_s\":%.0f,"
                        + "\"cpu_s_per_million\":{\"mosquitto\":%.2f,\"ingest\":%.2f,\"influxd\":%.2f},\"delay_ms\":{\"p50\":%.0f,\"p99\":%.0f},"
                        + "\"ratio_e2e\":%.2f,\"ratio_cpu\":%.2f,\"rows_per_message\":%d,\"devices\":%d,\"tenants\":%d}%n",
                a, b, c, cpuPerMillion.get("mosquitto"), cpuPerMillion.get("ingest"), cpuPerMillion.get("influxd"), p50, p99,
                ratio, cpuRatio, rowsPerMessage, devices.size(), tenants);
        return 0;
    }

    /** Publishes {@code count} messages through {@code sender}, keeping at most 1,000 per client in flight. */
    interface Sender {
        void send(long i, MqttActionListener done) throws Exception;
    }

    private static void publishAll(long count, int clients, Sender sender) throws Exception {
        Semaphore inflight = new Semaphore(500 * clients);
        CountDownLatch finished = new CountDownLatch(1);
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        MqttActionListener done = new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken t) {
                inflight.release();
                if (acked.incrementAndGet() + failed.get() == count) {
                    finished.countDown();
                }
            }

            @Override
            public void onFailure(IMqttToken t, Throwable e) {
                inflight.release();
                if (failed.incrementAndGet() + acked.get() == count) {
                    finished.countDown();
                }
            }
        };
        for (long i = 0; i < count; i++) {
            inflight.acquire();
            sender.send(i, done);
        }
        awaitProgress(finished, acked);
        if (failed.get() > 0) {
            System.out.println("[bench] WARNING: " + failed.get() + " publishes failed");
        }
    }

    /** Waits until the process uses less than 5% of a core over 2 s, at most {@code max}. */
    private static void waitUntilIdle(long pid, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            double before = cpuSeconds(pid);
            Thread.sleep(2000);
            if (cpuSeconds(pid) - before < 0.1) {
                return;
            }
        }
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

    private static long waitForPoints(InfluxV1Client influx, List<Device> devices, Instant since, long expected, Duration max)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        List<String> tenants = devices.stream().map(Device::tenantId).distinct().toList();
        long last = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long total = 0;
            for (String t : tenants) {
                var rows = influx.query("SELECT count(\"f0\") FROM \"processo_raw\".\"autogen\"." + InfluxQL.ident(measurement(t))
                        + " WHERE \"locatario_id\"::tag = " + InfluxQL.string(t) + " AND time >= " + nanos(since),
                        SharedBuckets.RAW.database()).get(0).rows();
                total += rows.isEmpty() ? 0 : ((Number) rows.get(0).get(1)).longValue();
            }
            if (total >= expected) {
                return total;
            }
            if (total != last) {
                last = total;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > Duration.ofSeconds(30).toNanos()) {
                return total;
            }
            Thread.sleep(50);
        }
        return last;
    }

    private static long countSince(InfluxV1Client influx, Device d, Instant since) {
        var rows = influx.query("SELECT count(\"f0\") FROM \"processo_raw\".\"autogen\"." + InfluxQL.ident(measurement(d.tenantId()))
                + " WHERE \"locatario_id\"::tag = " + InfluxQL.string(d.tenantId()) + " AND \"plc_id\"::tag = " + InfluxQL.string(d.plcId())
                + " AND time >= " + nanos(since),
                SharedBuckets.RAW.database()).get(0).rows();
        return rows.isEmpty() ? 0 : ((Number) rows.get(0).get(1)).longValue();
    }

    /** Where ingest stores the tenant's {@code telemetry}: {@code "<tenant uuid>.telemetry"} (TenantMeasurements). */
    private static String measurement(String tenant) {
        return TenantMeasurements.stored(java.util.UUID.fromString(tenant), "telemetry");
    }

    private static Point point(Device d, Instant base, long i, int fields) {
        Map<String, Object> f = new TreeMap<>();
        for (int k = 0; k < fields; k++) {
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
        MqttAsyncClient c = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(user);
        o.setPassword(pw.getBytes(StandardCharsets.UTF_8));
        o.setSocketFactory(MqttTls.socketFactory(caPem));
        o.setReceiveMaximum(inflight);
        o.setCleanStart(true);
        c.connect(o).waitForCompletion(15_000);
        return c;
    }

    static void close(MqttAsyncClient c) {
        try {
            c.disconnect().waitForCompletion(5000);
            c.close();
        } catch (Exception ignored) {
            // best effort
        }
    }

    private static long pid(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile).trim().split("\\s+")[0]);
        } catch (Exception e) {
            throw new IllegalStateException("no pid file " + pidFile + " (is the service running?)", e);
        }
    }

    /** utime + stime of a process, seconds (proc(5): fields 14 and 15 of /proc/pid/stat). */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLK_TCK;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read CPU time of pid " + pid, e);
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
