package io.tenantry.tools.bench;

import io.tenantry.adapters.influx.InfluxQL;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.tools.Options;
import io.tenantry.tools.demo.ApiClient;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tenant fairness benchmark (issue 8, {@code bin/tenantry bench --fairness}): how much one tenant flooding ingest
 * delays another tenant's points. A "victim" tenant's device publishes one small message every
 * {@code --probe-interval-ms} (100) with {@code ts} = now; a poller finds when each becomes queryable in InfluxDB.
 * <ol>
 *   <li>baseline: the victim alone, {@code --probes} (100) probes;</li>
 *   <li>flood: a second tenant's {@code --flood-devices} (2) devices publish {@code --flood-points} (300,000)
 *       points in messages of {@code --flood-rows} (100) rows as fast as the broker takes them (QoS 1, up to 1,000
 *       in flight each), while the victim probes again.</li>
 * </ol>
 * {@code --flood-plan} (PRO) is the flooding tenant's plan: with FREE its burst guard (issue 10) refuses most of the
 * flood, so "N of M points stored" is then expected to be far below M.
 * Prints p50/p99/max of the victim's delay in both phases and the ratios flood ÷ baseline. A benchmark, not a
 * test: the numbers depend on the machine; the ratio is what to compare between versions.
 */
public final class FairnessBenchmark {
    private FairnessBenchmark() {
    }

    /** Runs it; returns the exit code. */
    public static int run(Options o) throws Exception {
        BenchSession session = BenchSession.open(o);
        Map<String, String> env = session.env();
        int probes = Integer.parseInt(o.get("probes", "100"));
        long probeInterval = Long.parseLong(o.get("probe-interval-ms", "100"));
        int floodDevices = Integer.parseInt(o.get("flood-devices", "2"));
        long floodPoints = Long.parseLong(o.get("flood-points", "300000"));
        int floodRows = Integer.parseInt(o.get("flood-rows", "100"));
        String run = session.run();
        ApiClient client = session.client();
        String admin = session.admin();
        String victimTenant = client.createTenant(admin, "fair-v-" + run, "fairness victim " + run, "PRO");
        String victimOwner = session.owner(victimTenant);
        ApiClient.DeviceCredential victim = client.createDeviceWithCredential(victimOwner, victimTenant,
                Map.of("plcId", "probe", "type", "modbus_tcp"));
        String ca = victim.credential().get("caCertificate").asString();
        // issue 10: --flood-plan FREE makes the flooder hit its burst guard (10 x 500 field values/min, 50,000 held):
        // ingest then refuses the flood cheaply instead of storing it, which is what protects the victim
        String floodPlan = o.get("flood-plan", "PRO");
        String floodTenant = client.createTenant(admin, "fair-f-" + run, "fairness flood " + run, floodPlan);
        String floodOwner = session.owner(floodTenant);
        List<ApiClient.DeviceCredential> flooders = new ArrayList<>();
        for (int i = 0; i < floodDevices; i++) {
            flooders.add(client.createDeviceWithCredential(floodOwner, floodTenant, Map.of("plcId", "flood-" + i, "type", "modbus_tcp")));
        }
        String tls = env.get("TENANTRY_MQTT_TLS_URL");
        InfluxV1Client influx = new InfluxV1Client(env.get("TENANTRY_INFLUX_URL"), env.get("TENANTRY_INFLUX_ADMIN_USER"),
                env.get("TENANTRY_INFLUX_ADMIN_PASSWORD"), Duration.ofSeconds(30));
        MqttAsyncClient probeClient = IngestBenchmark.connect(tls, victim.username(), victim.username(), victim.password(), ca, 100);
        System.out.printf(Locale.ROOT, "[fairness] victim: 1 device, a 1-point message every %d ms; flood: %d device(s) of another "
                + "tenant (plan %s), %,d points in messages of %d rows%n", probeInterval, floodDevices, floodPlan, floodPoints, floodRows);

        probe(probeClient, victimTenant, victim, influx, 10, probeInterval, "warm-up"); // directory cache, JIT
        long[] base = probe(probeClient, victimTenant, victim, influx, probes, probeInterval, "baseline");

        MqttAsyncClient[] floodClients = new MqttAsyncClient[floodDevices];
        for (int i = 0; i < floodDevices; i++) {
            ApiClient.DeviceCredential d = flooders.get(i);
            floodClients[i] = IngestBenchmark.connect(tls, d.username(), d.username(), d.password(), ca, 1000);
        }
        long floodMessages = floodPoints / floodRows;
        Instant floodBase = Instant.now().minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        AtomicLong sent = new AtomicLong();
        AtomicBoolean floodDone = new AtomicBoolean();
        long tFlood = System.nanoTime();
        Thread flood = Thread.ofPlatform().name("flood").start(() -> {
            Semaphore window = new Semaphore(1000 * floodDevices);
            try {
                for (long i = 0; i < floodMessages; i++) {
                    int di = (int) (i % floodDevices);
                    window.acquire();
                    floodClients[di].publish(flooders.get(di).topic(),
                            IngestBenchmark.payload(floodBase, (i / floodDevices) * floodRows, floodRows, 4), 1, false, null,
                            new org.eclipse.paho.mqttv5.client.MqttActionListener() {
                                @Override
                                public void onSuccess(org.eclipse.paho.mqttv5.client.IMqttToken t) {
                                    window.release();
                                    sent.incrementAndGet();
                                }

                                @Override
                                public void onFailure(org.eclipse.paho.mqttv5.client.IMqttToken t, Throwable e) {
                                    window.release();
                                }
                            });
                }
            } catch (Exception e) {
                System.out.println("[fairness] flood stopped: " + e);
            } finally {
                floodDone.set(true);
            }
        });
        Thread.sleep(1000); // let the backlog build up
        long[] during = probe(probeClient, victimTenant, victim, influx, probes, probeInterval, "during flood");
        flood.join();
        double floodSeconds = (System.nanoTime() - tFlood) / 1e9;
        long floodStored = waitForFlood(influx, floodTenant, floodBase, floodMessages * floodRows);
        System.out.printf(Locale.ROOT, "[fairness] flood: %,d messages acknowledged by the broker in %.1f s (%,.0f msg/s); %,d of %,d "
                + "points stored%n", sent.get(), floodSeconds, sent.get() / floodSeconds, floodStored, floodMessages * floodRows);
        for (MqttAsyncClient c : floodClients) {
            IngestBenchmark.close(c);
        }
        IngestBenchmark.close(probeClient);

        double r50 = pct(during, 50) / pct(base, 50);
        double r99 = pct(during, 99) / pct(base, 99);
        double rMax = pct(during, 100) / pct(base, 100);
        System.out.printf(Locale.ROOT, "[fairness] RATIO victim delay during flood / baseline: p50 %.0f / %.0f ms = %.2f, p99 %.0f / %.0f ms"
                        + " = %.2f, max %.0f / %.0f ms = %.2f%n", pct(during, 50), pct(base, 50), r50, pct(during, 99), pct(base, 99), r99,
                pct(during, 100), pct(base, 100), rMax);
        System.out.printf(Locale.ROOT, "{\"fairness\":{\"baseline_ms\":{\"p50\":%.0f,\"p99\":%.0f,\"max\":%.0f},\"flood_ms\":{\"p50\":%.0f,"
                        + "\"p99\":%.0f,\"max\":%.0f},\"ratio\":{\"p50\":%.2f,\"p99\":%.2f,\"max\":%.2f},\"flood_msgs_per_s\":%.0f,\"flood_rows\":%d}}%n",
                pct(base, 50), pct(base, 99), pct(base, 100), pct(during, 50), pct(during, 99), pct(during, 100), r50, r99, rMax,
                sent.get() / floodSeconds, floodRows);
        return 0;
    }

    /**
     * Publishes {@code n} one-point probes {@code intervalMs} apart and returns each one's publish → queryable delay
     * in ns (Long.MAX_VALUE when it never appeared within 60 s).
     */
    private static long[] probe(MqttAsyncClient c, String tenantId, ApiClient.DeviceCredential d, InfluxV1Client influx, int n,
                                long intervalMs, String phase) throws Exception {
        String field = "probe_" + phase.replaceAll("[^a-z]", "_");
        long[] sentAt = new long[n];
        long[] seenAt = new long[n];
        Instant since = Instant.now().minusSeconds(1);
        AtomicBoolean stop = new AtomicBoolean();
        Thread poller = Thread.ofPlatform().name("probe-poller").start(() -> {
            int seen = 0;
            while (seen < n && !stop.get()) {
                var rows = influx.query("SELECT count(" + InfluxQL.ident(field) + ") FROM " + measurement(tenantId) + " WHERE "
                        + "\"locatario_id\" = " + InfluxQL.string(tenantId) + " AND time >= " + IngestBenchmark.nanos(since)
                        + " AND time <= now() + 1m", SharedBuckets.RAW.database()).get(0).rows();
                long count = rows.isEmpty() ? 0 : ((Number) rows.get(0).get(1)).longValue();
                long now = System.nanoTime();
                for (; seen < Math.min(count, n); seen++) {
                    seenAt[seen] = now;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long next = System.nanoTime();
        for (int i = 0; i < n; i++) {
            while (System.nanoTime() < next) {
                Thread.sleep(1);
            }
            byte[] payload = ("{\"ts\":" + Instant.now().toEpochMilli() + ",\"fields\":{\"" + field + "\":" + i + "}}")
                    .getBytes(StandardCharsets.UTF_8);
            sentAt[i] = System.nanoTime();
            c.publish(d.topic(), payload, 1, false);
            next += intervalMs * 1_000_000L;
        }
        poller.join(60_000);
        stop.set(true);
        long[] delays = new long[n];
        for (int i = 0; i < n; i++) {
            delays[i] = seenAt[i] == 0 ? Long.MAX_VALUE : seenAt[i] - sentAt[i];
        }
        Arrays.sort(delays);
        System.out.printf(Locale.ROOT, "[fairness] %-13s victim delay p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d probes)%n", phase,
                pct(delays, 50), pct(delays, 99), pct(delays, 100), n);
        return delays;
    }

    /** Percentile of sorted ns delays, in ms. */
    private static double pct(long[] sorted, int p) {
        int i = Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(sorted.length * p / 100.0) - 1));
        return sorted[i] == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : sorted[i] / 1e6;
    }

    private static long waitForFlood(InfluxV1Client influx, String tenant, Instant since, long expected) throws InterruptedException {
        long last = -1;
        long lastChange = System.nanoTime();
        while (true) {
            var rows = influx.query("SELECT count(\"f0\") FROM " + measurement(tenant) + " WHERE \"locatario_id\" = "
                    + InfluxQL.string(tenant) + " AND time >= " + IngestBenchmark.nanos(since), SharedBuckets.RAW.database()).get(0).rows();
            long n = rows.isEmpty() ? 0 : ((Number) rows.get(0).get(1)).longValue();
            if (n >= expected) {
                return n;
            }
            if (n != last) {
                last = n;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > 30_000_000_000L) {
                return n;
            }
            Thread.sleep(200);
        }
    }

    /** The tenant's stored measurement {@code "processo_raw"."autogen"."<tenant uuid>.telemetry"} (TenantMeasurements). */
    private static String measurement(String tenant) {
        return "\"processo_raw\".\"autogen\"." + InfluxQL.ident(
                io.tenantry.core.timeseries.TenantMeasurements.stored(java.util.UUID.fromString(tenant), "telemetry"));
    }
}
