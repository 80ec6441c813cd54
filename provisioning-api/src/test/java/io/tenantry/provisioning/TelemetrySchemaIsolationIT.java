package io.tenantry.provisioning;

import io.tenantry.adapters.influx.InfluxQL;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.influx.InfluxV1TimeSeriesWriter;
import io.tenantry.adapters.influx.TelemetryNamespaceMigration;
import io.tenantry.core.timeseries.Point;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.provisioning.telemetry.LegacyTelemetryMigrator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7, "the shared measurement couples tenants": each tenant's points live in its own measurement namespace
 * ({@code <tenant uuid>.telemetry}), so two tenants using one field name with different types both keep their
 * points and neither sees the other's field names through the telemetry API, JSON or CSV. And the start-up
 * migration moves points of the legacy shared measurement into the namespaces, leaving out a field named like a
 * reserved tag (the "field named locatario_id" attack), idempotently.
 */
class TelemetrySchemaIsolationIT extends ProvisioningTestBase {
    @Autowired
    LegacyTelemetryMigrator migrator;

    private final InfluxV1Client admin = new InfluxV1Client(ENV.influxUrl(), ENV.influxAdminUser(), ENV.influxAdminPassword(),
            Duration.ofSeconds(30));

    private static Point point(String measurement, String tenant, Map<String, Object> fields, long ns) {
        return new Point(measurement, new TreeMap<>(Map.of("locatario_id", tenant, "plc_id", "pump-1", "type", "modbus_tcp")),
                fields, ns);
    }

    private String csv(String token, String path) {
        return http().get().uri(path + "&format=csv").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
    }

    @Test
    @SuppressWarnings("unchecked")
    void sameFieldNameWithDifferentTypesStaysWithinEachTenant() {
        String a = createTenant(slug("ty-a"), "PRO");
        String b = createTenant(slug("ty-b"), "PRO");
        Object da = createDevice(a, "pump-1").get("id");
        Object db = createDevice(b, "pump-1").get("id");
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5));
        long base = start.getEpochSecond() * 1_000_000_000L;
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // same day (shard), same field name, different types: one shared measurement refused the second
            points.add(point(TenantMeasurements.stored(UUID.fromString(a), "telemetry"), a,
                    Map.of("humidity", 50.5 + i, "secret_a", 1.0), base + i * 1_000_000_000L));
            points.add(point(TenantMeasurements.stored(UUID.fromString(b), "telemetry"), b,
                    Map.of("humidity", "wet-" + i, "secret_b", true), base + i * 1_000_000_000L));
        }
        new InfluxV1TimeSeriesWriter(admin).writePoints(SharedBuckets.RAW, points); // one request: both types accepted

        String path = "/devices/%s/telemetry?from=" + start + "&to=" + start.plusSeconds(60);
        String ta = token("viewer", a);
        String tb = token("viewer", b);
        Map<String, Object> ra = get(ta, "/api/v1/tenants/" + a + path.formatted(da), 200);
        Map<String, Object> rb = get(tb, "/api/v1/tenants/" + b + path.formatted(db), 200);
        assertThat(ra.get("measurement")).isEqualTo("telemetry");
        assertThat((List<String>) ra.get("columns")).containsExactlyInAnyOrder("humidity", "secret_a");
        assertThat((List<String>) rb.get("columns")).containsExactlyInAnyOrder("humidity", "secret_b");
        List<Map<String, Object>> pa = (List<Map<String, Object>>) ra.get("points");
        List<Map<String, Object>> pb = (List<Map<String, Object>>) rb.get("points");
        assertThat(pa).hasSize(5);
        assertThat(pb).hasSize(5);
        assertThat(TelemetryApiIT.num(pa.get(2), "humidity")).isEqualTo(52.5);
        assertThat(((Map<String, Object>) pb.get(2).get("fields")).get("humidity")).isEqualTo("wet-2");
        assertThat(ra.toString()).doesNotContain("secret_b").doesNotContain("wet-");
        assertThat(rb.toString()).doesNotContain("secret_a");

        String ca = csv(ta, "/api/v1/tenants/" + a + path.formatted(da));
        String cb = csv(tb, "/api/v1/tenants/" + b + path.formatted(db));
        assertThat(ca.split("\r\n")).hasSize(6);
        assertThat(ca.split("\r\n")[0]).isEqualTo("time,humidity,secret_a");
        assertThat(cb.split("\r\n")[0]).isEqualTo("time,humidity,secret_b");
        assertThat(ca).doesNotContain("secret_b").doesNotContain("wet-");
        assertThat(cb).doesNotContain("secret_a");
        assertThat(cb.split("\r\n")[3]).endsWith(",wet-2,true");
    }

    @Test
    @SuppressWarnings("unchecked")
    void legacySharedMeasurementIsMigratedPerTenantWithoutTheReservedNameField() {
        String a = createTenant(slug("mg-a"), "PRO");
        String b = createTenant(slug("mg-b"), "PRO");
        Object da = createDevice(a, "pump-1").get("id");
        Object db = createDevice(b, "pump-1").get("id");
        String legacy = "legacy_" + UUID.randomUUID().toString().substring(0, 8);
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5));
        long base = start.getEpochSecond() * 1_000_000_000L;
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            points.add(point(legacy, b, Map.of("temp", 20.0 + i), base + i * 1_000_000_000L));
        }
        for (int i = 0; i < 3; i++) {
            points.add(point(legacy, a, Map.of("temp", 40.0 + i, "only_a", "x"), base + i * 1_000_000_000L));
        }
        // the attack of issue 7, stored before the fix: A's point with fields named like B's tags
        points.add(new Point(legacy, new TreeMap<>(Map.of("locatario_id", a, "plc_id", "pump-1", "type", "modbus_tcp")),
                Map.of("locatario_id", b, "plc_id", "pump-1", "temp", 999.0), base + 10_000_000_000L));
        new InfluxV1TimeSeriesWriter(admin).writePoints(SharedBuckets.RAW, points);

        TelemetryNamespaceMigration.Report r = migrator.run();
        assertThat(r.dropped()).contains(legacy);
        String sa = TenantMeasurements.stored(UUID.fromString(a), legacy);
        String sb = TenantMeasurements.stored(UUID.fromString(b), legacy);
        assertThat(r.copied()).containsEntry(sb, 6L).containsEntry(sa, 3L * 2 + 1);
        assertThat(r.problems()).noneMatch(p -> p.startsWith(legacy));
        List<String> measurements = admin.query("SHOW MEASUREMENTS", SharedBuckets.RAW.database()).get(0).rows().stream()
                .map(row -> (String) row.get(0)).toList();
        assertThat(measurements).doesNotContain(legacy).contains(sa, sb);
        // the reserved-name fields were not carried over
        List<String> fieldsA = admin.query("SHOW FIELD KEYS FROM " + InfluxQL.ident(sa), SharedBuckets.RAW.database()).get(0)
                .rows().stream().map(row -> (String) row.get(0)).toList();
        assertThat(fieldsA).containsExactlyInAnyOrder("temp", "only_a");

        // B reads its own six points through the API, A its four; neither sees the other's fields
        String q = "/telemetry?measurement=" + legacy + "&from=" + start + "&to=" + start.plusSeconds(60);
        Map<String, Object> rb = get(token("viewer", b), "/api/v1/tenants/" + b + "/devices/" + db + q, 200);
        assertThat((List<Object>) rb.get("points")).hasSize(6);
        assertThat((List<String>) rb.get("columns")).containsExactly("temp");
        Map<String, Object> ra = get(token("viewer", a), "/api/v1/tenants/" + a + "/devices/" + da + q, 200);
        assertThat((List<Object>) ra.get("points")).hasSize(4);
        assertThat(ra.get("measurement")).isEqualTo(legacy);

        // idempotent: a second run finds nothing of this measurement left to do
        TelemetryNamespaceMigration.Report again = migrator.run();
        assertThat(again.copied().keySet()).doesNotContain(sa, sb);
        assertThat(again.dropped()).doesNotContain(legacy);
    }
}
