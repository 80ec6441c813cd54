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
        // issue 15 (one PostgreSQL query for device, placement and retention): B's device under A's path answers 404
        // even for a platform admin, who may see both tenants; the same for the latest values
        String platform = adminToken();
        get(platform, "/api/v1/tenants/" + a + "/devices/" + db + "/telemetry", 404);
        get(platform, "/api/v1/tenants/" + a + "/devices/" + db + "/telemetry/latest", 404);
        assertThat((List<?>) get(platform, "/api/v1/tenants/" + b + "/devices/" + db + "/telemetry?from=" + start + "&to="
                + start.plusSeconds(60), 200).get("points")).hasSize(10);
        // a deleted device stops reading at once (nothing about the device is cached)
        http().delete().uri("/api/v1/tenants/" + b + "/devices/" + db).headers(h -> h.setBearerAuth(token("owner", b)))
                .exchange().expectStatus().isNoContent();
        get(platform, "/api/v1/tenants/" + b + "/devices/" + db + "/telemetry", 404);
        get(token("viewer", b), "/api/v1/tenants/" + b + "/devices/" + db + "/telemetry/latest", 404);
        // an injection attempt in a field name stays a quoted identifier
        Map<String, Object> inj = get(owner, path + "&fields=x\" OR locatario_id != '", 200);
        assertThat((List<?>) inj.get("points")).isEmpty();
        Map<String, Object> bad = get(owner, path + "&aggregate=drop&interval=1x", 400);
        assertThat((List<Map<String, Object>>) bad.get("errors")).extracting(e -> e.get("field")).contains("aggregate", "interval");
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.tenantry.provisioning.telemetry.TelemetryQuery telemetry;
    @org.springframework.beans.factory.annotation.Autowired
    tools.jackson.databind.ObjectMapper mapper;

    /**
     * Issue 15: the JSON the API streams from InfluxDB's answer is the serialised {@code Result} of the tree path
     * (keys, order, values), for raw, field-selected, aggregated, limited and retention-emptied queries, with
     * float, integer, string and boolean fields, nanosecond timestamps and names needing escapes.
     */
    @Test
    void streamedJsonIsTheSerialisedResult() throws Exception {
        String a = createTenant(slug("st-a"), "FREE");
        Object da = createDevice(a, "pump-1").get("id");
        InfluxV1Client admin = new InfluxV1Client(ENV.influxUrl(), ENV.influxAdminUser(), ENV.influxAdminPassword(), Duration.ofSeconds(10));
        Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
        long base = start.toEpochMilli() * 1_000_000L;
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Map<String, Object> f = new TreeMap<>();
            f.put("temp", 20.0 + i / 4.0);
            f.put("tiny", 1e-5 * (i + 1));
            f.put("count", (long) i * 1_000_000_007L);
            f.put("on", i % 2 == 0);
            f.put("note x,y", "v \"" + i + "\u00e9");
            if (i % 3 == 0) {
                f.remove("temp"); // some points without a field
            }
            points.add(new Point(TenantMeasurements.stored(UUID.fromString(a), "telemetry"), new TreeMap<>(Map.of("locatario_id", a,
                    "plc_id", "pump-1", "type", "modbus_tcp")), f, base + i * 1_000_000_000L + 123_456_789L));
        }
        new InfluxV1TimeSeriesWriter(admin).writePoints(SharedBuckets.RAW, points);
        String owner = token("viewer", a);
        org.springframework.security.oauth2.jwt.Jwt jwt = org.springframework.security.oauth2.jwt.Jwt.withTokenValue(owner)
                .header("alg", "RS256").subject("viewer-x").claim("tenant_id", a).claim("roles", List.of("viewer")).build();
        io.tenantry.web.auth.Actor actor = io.tenantry.web.auth.Actor.from(jwt);
        String from = start.toString();
        String to = start.plusSeconds(60).toString();
        String old = start.minus(Duration.ofDays(3650)).toString();
        String[][] cases = {
                {from, to, null, null, null, null, null}, // raw, all fields
                {from, to, "temp,on", null, null, "5", null}, // named fields, limit
                {from, to, null, "mean", "10s", null, null}, // aggregate over all fields (prefix stripped)
                {from, to, "temp", "max", "1m", null, "auto"}, // tier=auto
                {old, old, null, null, null, null, null}, // before the retention: empty
        };
        for (String[] c : cases) {
            var id = io.tenantry.core.id.DeviceId.of(UUID.fromString(da.toString()));
            var tenant = io.tenantry.core.id.TenantId.of(UUID.fromString(a));
            byte[] streamed = telemetry.queryJson(actor, tenant, id, c[0], c[1], c[2], c[3], c[4], null,
                    c[5] == null ? null : Integer.valueOf(c[5]), c[6]);
            var tree = telemetry.query(actor, tenant, id, c[0], c[1], c[2], c[3], c[4], null,
                    c[5] == null ? null : Integer.valueOf(c[5]), c[6]);
            // "to" defaults to now in neither case (given), so both runs describe the same window
            assertThat(mapper.readTree(streamed)).as(String.join(" ", java.util.Arrays.stream(c).map(String::valueOf).toList()))
                    .isEqualTo(mapper.readTree(mapper.writeValueAsBytes(tree)));
            assertThat(new String(streamed, java.nio.charset.StandardCharsets.UTF_8)).startsWith("{\"tenantId\":\"" + a + "\"");
        }
        // and over HTTP: the same body the endpoint answers
        String path = "/api/v1/tenants/" + a + "/devices/" + da + "/telemetry?from=" + from + "&to=" + to;
        byte[] body = http().get().uri(path).headers(h -> h.setBearerAuth(owner)).exchange().expectStatus().isOk()
                .expectHeader().contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .expectBody().returnResult().getResponseBody();
        var tree = mapper.readTree(body);
        assertThat(tree.path("points").size()).isEqualTo(12);
        assertThat(tree.path("points").path(1).path("time").asString()).endsWith(".123456789Z");
        assertThat(tree.path("columns").toString()).doesNotContain("locatario_id").contains("note x,y");
    }
}
