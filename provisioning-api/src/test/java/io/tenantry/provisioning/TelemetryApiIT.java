package io.tenantry.provisioning;

import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.influx.InfluxV1TimeSeriesWriter;
import io.tenantry.core.timeseries.Point;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The telemetry read-back is tenant-scoped: points of another tenant's device with the same plc_id never come
 * back, another tenant's device answers 404, and field keys with spaces and unicode round-trip.
 */
class TelemetryApiIT extends ProvisioningTestBase {

    @SuppressWarnings("unchecked")
    static double num(Map<String, Object> point, String field) {
        return ((Number) ((Map<String, Object>) point.get("fields")).get(field)).doubleValue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void readsOnlyTheCallersPoints() {
        String a = createTenant(slug("rd-a"), "PRO");
        String b = createTenant(slug("rd-b"), "PRO");
        Object da = createDevice(a, "pump-1").get("id");
        Object db = createDevice(b, "pump-1").get("id");
        // points as ingest writes them (each tenant's own measurement namespace): same plc_id and timestamps in both tenants
        InfluxV1Client admin = new InfluxV1Client(ENV.influxUrl(), ENV.influxAdminUser(), ENV.influxAdminPassword(), Duration.ofSeconds(10));
        Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
        long base = start.toEpochMilli() * 1_000_000L;
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            points.add(new Point(TenantMeasurements.stored(UUID.fromString(a), "telemetry"), new TreeMap<>(Map.of("locatario_id", a, "plc_id", "pump-1", "type", "modbus_tcp")),
                    Map.of("Volume Flow RateRMS", 30.0 + i, "température°", 1.5), base + i * 1_000_000_000L));
            points.add(new Point(TenantMeasurements.stored(UUID.fromString(b), "telemetry"), new TreeMap<>(Map.of("locatario_id", b, "plc_id", "pump-1", "type", "modbus_tcp")),
                    Map.of("Volume Flow RateRMS", 999.0), base + i * 1_000_000_000L));
        }
        new InfluxV1TimeSeriesWriter(admin).writePoints(SharedBuckets.RAW, points);

        String owner = token("viewer", a);
        String path = "/api/v1/tenants/" + a + "/devices/" + da + "/telemetry?from=" + start + "&to=" + start.plusSeconds(60);
        Map<String, Object> r = get(owner, path, 200);
        List<Map<String, Object>> got = (List<Map<String, Object>>) r.get("points");
        assertThat(got).hasSize(10);
        // InfluxDB's JSON writes the float 33.0 as 33: compare numerically
        assertThat(got).allSatisfy(p -> assertThat(num(p, "Volume Flow RateRMS")).isLessThan(100));
        assertThat(num(got.get(3), "Volume Flow RateRMS")).isEqualTo(33.0);
        assertThat(num(got.get(3), "température°")).isEqualTo(1.5);
        assertThat(((Map<String, Object>) got.get(3).get("fields"))).doesNotContainKeys("locatario_id", "plc_id", "type");

        Map<String, Object> agg = get(owner, path + "&aggregate=mean&interval=10s&fields=Volume Flow RateRMS", 200);
        List<Map<String, Object>> buckets = (List<Map<String, Object>>) agg.get("points");
        assertThat(buckets).hasSize(1);
        assertThat(num(buckets.get(0), "Volume Flow RateRMS")).isEqualTo(34.5);

        String csv = http().get().uri(path + "&format=csv&fields=Volume Flow RateRMS").headers(h -> h.setBearerAuth(owner))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(csv.split("\r\n")).hasSize(11).startsWith("time,Volume Flow RateRMS");

        // B's device through A's token: 404 either way
        get(owner, "/api/v1/tenants/" + a + "/devices/" + db + "/telemetry", 404);
        get(owner, "/api/v1/tenants/" + b + "/devices/" + db + "/telemetry", 404);
        // an injection attempt in a field name stays a quoted identifier
        Map<String, Object> inj = get(owner, path + "&fields=x\" OR locatario_id != '", 200);
        assertThat((List<?>) inj.get("points")).isEmpty();
        Map<String, Object> bad = get(owner, path + "&aggregate=drop&interval=1x", 400);
        assertThat((List<Map<String, Object>>) bad.get("errors")).extracting(e -> e.get("field")).contains("aggregate", "interval");
    }
}
