package io.tenantry.provisioning;

import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.influx.InfluxV1TimeSeriesWriter;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.Point;
import io.tenantry.core.timeseries.RollupReference;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 11, reading tiers: {@code tier=10s|1m} reads the rollup buckets (rollup field names), {@code tier=auto}
 * answers raw-field aggregates exactly from the coarsest fitting tier, every tier stays inside the caller's tenant
 * and inside the plan's retention for it (FREE: 30-day aggregated retention), and a bad tier is a 400 naming it.
 * Rollups are written here as the job writes them (the reference computation of {@link RollupReference}).
 */
class TelemetryTierIT extends ProvisioningTestBase {
    static final long S = 1_000_000_000L;

    static InfluxV1TimeSeriesWriter admin() {
        return new InfluxV1TimeSeriesWriter(new InfluxV1Client(ENV.influxUrl(), ENV.influxAdminUser(), ENV.influxAdminPassword(),
                Duration.ofSeconds(10)));
    }

    /** Raw points and their 10 s and 1 m rollups, as the rollup job writes them. */
    static void write(String tenant, long startNs, int n, double offset) {
        String m = TenantMeasurements.stored(UUID.fromString(tenant), "telemetry");
        TreeMap<String, String> tags = new TreeMap<>(Map.of("locatario_id", tenant, "plc_id", "pump-1", "type", "modbus_tcp"));
        List<Point> raw = new ArrayList<>();
        List<RollupReference.Raw> ref = new ArrayList<>();
        long t = startNs;
        for (int i = 0; i < n; i++) {
            t += (i % 3 == 0 ? 7 : 2) * S; // uneven: windows with different counts
            double v = offset + (i * 37 % 11) * 1.25;
            raw.add(new Point(m, tags, Map.of("v", v), t));
            ref.add(new RollupReference.Raw(t, Map.of("v", v)));
        }
        InfluxV1TimeSeriesWriter w = admin();
        w.writePoints(SharedBuckets.RAW, raw);
        for (Bucket b : List.of(SharedBuckets.PROCESSED, SharedBuckets.ONE_MINUTE)) {
            List<Point> roll = new ArrayList<>();
            RollupReference.expected(ref, b == SharedBuckets.PROCESSED ? 10 * S : 60 * S).forEach((ws, f) -> {
                Map<String, Object> fields = new HashMap<>(f);
                fields.remove("");
                roll.add(new Point(m, tags, fields, ws));
            });
            w.writePoints(b, roll);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> points(Map<String, Object> r) {
        return (List<Map<String, Object>>) r.get("points");
    }

    @SuppressWarnings("unchecked")
    static double num(Map<String, Object> p, String f) {
        return ((Number) ((Map<String, Object>) p.get("fields")).get(f)).doubleValue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void tiersReadRollupsAutoIsExactAndRetentionAndTenantHold() {
        String a = createTenant(slug("tier-a"), "PRO");
        String b = createTenant(slug("tier-b"), "FREE");
        Object da = createDevice(a, "pump-1").get("id");
        Object dbv = createDevice(b, "pump-1").get("id");
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
        long base = start.getEpochSecond() * S;
        write(a, base, 60, 10.0);
        write(b, base, 60, 5000.0); // same plc_id and times in another tenant: never seen by A
        String ta = token("viewer", a);
        String path = "/api/v1/tenants/" + a + "/devices/" + da + "/telemetry?from=" + start + "&to=" + start.plusSeconds(240);

        Map<String, Object> ten = get(ta, path + "&tier=10s", 200);
        assertThat(ten.get("tier")).isEqualTo("10s");
        assertThat(points(ten)).isNotEmpty().allSatisfy(p -> assertThat(num(p, "v_max")).isLessThan(100));
        assertThat((List<String>) ten.get("columns")).contains("v_mean", "v_min", "v_max", "v_last", "v_count");

        for (String agg : List.of("mean", "count", "min", "max", "last", "sum")) {
            Map<String, Object> raw = get(ta, path + "&aggregate=" + agg + "&interval=1m&fields=v", 200);
            Map<String, Object> auto = get(ta, path + "&aggregate=" + agg + "&interval=1m&fields=v&tier=auto", 200);
            assertThat(raw.get("tier")).isEqualTo("raw");
            assertThat(auto.get("tier")).as(agg).isEqualTo("1m");
            assertThat(points(auto)).as(agg).hasSameSizeAs(points(raw)).isNotEmpty();
            for (int i = 0; i < points(raw).size(); i++) {
                double x = num(points(raw).get(i), "v");
                assertThat(num(points(auto).get(i), "v")).as(agg).isCloseTo(x, within(1e-9 * Math.max(1, Math.abs(x))));
                assertThat(points(auto).get(i).get("time")).isEqualTo(points(raw).get(i).get("time"));
            }
        }
        assertThat(get(ta, path + "&aggregate=mean&interval=30s&fields=v&tier=auto", 200).get("tier")).isEqualTo("10s");
        assertThat(get(ta, path + "&aggregate=median&interval=1m&fields=v&tier=auto", 200).get("tier")).isEqualTo("raw");

        // FREE keeps aggregates 30 days: a 40-day-old 1 m rollup is never answered, a 20-day-old one is
        String tb = token("viewer", b);
        String m = TenantMeasurements.stored(UUID.fromString(b), "telemetry");
        TreeMap<String, String> tags = new TreeMap<>(Map.of("locatario_id", b, "plc_id", "pump-1"));
        long d40 = Instant.now().minus(Duration.ofDays(40)).getEpochSecond() / 60 * 60 * S;
        long d20 = Instant.now().minus(Duration.ofDays(20)).getEpochSecond() / 60 * 60 * S;
        admin().writePoints(SharedBuckets.ONE_MINUTE, List.of(new Point(m, tags, Map.of("v_mean", 1.0), d40),
                new Point(m, tags, Map.of("v_mean", 2.0), d20)));
        Map<String, Object> old = get(tb, "/api/v1/tenants/" + b + "/devices/" + dbv + "/telemetry?tier=1m&from="
                + Instant.now().minus(Duration.ofDays(45)) + "&to=" + Instant.now().minus(Duration.ofDays(15)), 200);
        assertThat(points(old)).hasSize(1);
        assertThat(num(points(old).get(0), "v_mean")).isEqualTo(2.0);

        Map<String, Object> bad = get(ta, path + "&tier=5m", 400);
        assertThat((List<Map<String, Object>>) bad.get("errors")).extracting(e -> e.get("field")).contains("tier");
    }
}
