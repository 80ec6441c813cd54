package io.tenantry.ingest;

import io.tenantry.adapters.influx.InfluxQL;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.testsupport.LocalStackExtension;
import io.tenantry.testsupport.StackEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 7 through the real path (device → Mosquitto/TLS → ingest → InfluxDB 1.6.7), as an attacker would try it:
 * line-protocol injection with the issue's exact payloads, fields named like reserved tags, a property test with
 * generated names and values that InfluxDB's parser treats specially, two tenants using one field name with
 * different types, and the plan's schema limits. The invariant everywhere: every element reads back as exactly one
 * point with exactly the intended tags and fields under its topic's tenant, or is a dead letter; no point is ever
 * stored under another tenant, and the other tenant's reads are unchanged.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationIT {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final long MIN_TIME = -9_223_372_036_854_775_806L;
    private static final long MAX_TIME = 9_223_372_036_854_775_806L;

    private final StackEnv env;
    private IngestFixtures fx;
    private InProcessIngest running;

    TenantIsolationIT(StackEnv env) {
        this.env = env;
    }

    @BeforeAll
    void start() throws Exception {
        fx = new IngestFixtures(env);
        running = InProcessIngest.start(env, fx, "iso", p -> { });
    }

    @AfterAll
    void stop() throws Exception {
        if (running != null) {
            running.close();
        }
        fx.close();
    }

    /** A victim tenant B with device b1 and six points of its own, read back as the telemetry API does. */
    private record Victim(IngestFixtures.Tenant tenant, List<Map<String, Object>> ownRows) {
    }

    private Victim victim() throws Exception {
        var b = fx.createTenant("victim");
        var dev = fx.provisionedDevice(b, "plc-b1", "siemens_s7", "{}");
        long ms = Instant.now().minusSeconds(300).toEpochMilli();
        for (int i = 0; i < 6; i++) {
            dev.publish("{\"ts\":" + (ms + i) + ",\"fields\":{\"temp\":" + (20 + i) + "}}");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> readAsApi(b.id(), "plc-b1").size() == 6);
        return new Victim(b, readAsApi(b.id(), "plc-b1"));
    }

    /** B's points as provisioning-api's TelemetryQuery reads them: own namespace, {@code ::tag} conditions. */
    private List<Map<String, Object>> readAsApi(UUID tenant, String plcId) {
        var series = fx.query("SELECT *::field FROM " + IngestFixtures.measurement("telemetry", tenant)
                + " WHERE \"locatario_id\"::tag = " + InfluxQL.string(tenant.toString()) + " AND \"plc_id\"::tag = "
                + InfluxQL.string(plcId) + " AND time >= " + MIN_TIME + " AND time <= " + MAX_TIME).get(0).series();
        List<Map<String, Object>> out = new ArrayList<>();
        for (var s : series) {
            for (List<Object> row : s.values()) {
                Map<String, Object> m = new TreeMap<>();
                for (int i = 0; i < row.size(); i++) {
                    if (row.get(i) != null) {
                        m.put(s.columns().get(i), row.get(i));
                    }
                }
                out.add(m);
            }
        }
        return out;
    }

    /** Points tagged {@code locatario_id = tenant} in ANY measurement of processo_raw, at any time. */
    private long pointsTaggedWith(UUID tenant) {
        long n = 0;
        for (var s : fx.query("SELECT * FROM /.*/ WHERE \"locatario_id\"::tag = " + InfluxQL.string(tenant.toString())
                + " AND time >= " + MIN_TIME + " AND time <= " + MAX_TIME + " GROUP BY *").get(0).series()) {
            n += s.values().size(); // one row per point
        }
        return n;
    }

    private void assertVictimUntouched(Victim v) {
        assertThat(pointsTaggedWith(v.tenant().id())).as("points anywhere tagged with B's tenant id").isEqualTo(6);
        assertThat(readAsApi(v.tenant().id(), "plc-b1")).isEqualTo(v.ownRows());
    }

    @Test
    void lineProtocolInjectionOfTheIssueIsRefusedAndNothingLandsUnderAnotherTenant() throws Exception {
        Victim v = victim();
        UUID b = v.tenant().id();
        var a = fx.createTenant("attacker");
        var dev = fx.provisionedDevice(a, "plc-a1", "siemens_s7", "{}");
        long ms = Instant.now().minusSeconds(200).toEpochMilli();
        long ns = (ms - 5000) * 1_000_000L;
        String inj = "\\ntelemetry,locatario_id=" + b + ",plc_id=plc-b1,type=siemens_s7 temp=666 " + ns + "\\n";
        String injNs = "\\n" + TenantMeasurements.stored(b, "telemetry") + ",locatario_id=" + b + ",plc_id=plc-b1,type=siemens_s7 temp=667 "
                + ns + "\\n";
        // the issue's payloads, byte for byte in JSON: key k\\, ; tag value x\ \, ; measurement m\ \,
        List<String> attacks = List.of(
                "{\"ts\":" + ms + ",\"fields\":{\"k\\\\,\":1,\"s\":\"" + inj + "\"}}",
                "{\"ts\":" + (ms + 1) + ",\"fields\":{\"k\\\\,\":1,\"s\":\"" + injNs + "\"}}",
                "{\"ts\":" + (ms + 2) + ",\"tags\":{\"t\":\"x\\\\ \\\\,\"},\"fields\":{\"s\":\"" + inj + "\"}}",
                "{\"ts\":" + (ms + 3) + ",\"measurement\":\"m\\\\ \\\\,\",\"fields\":{\"s\":\"" + inj + "\"}}",
                "{\"ts\":" + (ms + 4) + ",\"fields\":{\"k\\\\\":1,\"s\":\"" + injNs + "\"}}", // trailing backslash
                "{\"ts\":" + (ms + 5) + ",\"measurement\":\"m\\\\\",\"fields\":{\"v\":1}}",   // measurement ending in \
                "{\"ts\":" + (ms + 6) + ",\"tags\":{\"t\":\"x\\\\\"},\"fields\":{\"s\":\"" + inj + "\"}}");
        for (String p : attacks) {
            dev.publish(p);
        }
        // the same injection string in a harmless element is stored as a string, exactly, under A only
        dev.publish("{\"ts\":" + (ms + 7) + ",\"fields\":{\"s\":\"" + injNs + "\\\"\\\\\",\"k\":1}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> fx.deadLetterReasons(a.id()).getOrDefault("invalid_value", 0) == attacks.size()
                && fx.rows("telemetry", a.id()).size() == 1);
        assertThat(fx.deadLetterReasons(a.id())).containsExactly(Map.entry("invalid_value", attacks.size()));
        Map<String, Object> stored = fx.rows("telemetry", a.id()).get(0);
        assertThat(stored.get("s")).isEqualTo(injNs.replace("\\n", "\n") + "\"\\");
        assertThat(stored).containsEntry("locatario_id", a.id().toString()).containsEntry("plc_id", "plc-a1");
        assertThat(pointsTaggedWith(a.id())).isEqualTo(1);
        // anything late would have been written with the last point: B's points stay exactly its own for a second
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> pointsTaggedWith(b) == 6 && pointsTaggedWith(a.id()) == 1);
        assertVictimUntouched(v);
    }

    @Test
    void fieldsNamedLikeReservedTagsAreRefusedAndTheVictimsReadsAreUnaffected() throws Exception {
        Victim v = victim();
        UUID b = v.tenant().id();
        var a = fx.createTenant("shadow");
        var dev = fx.provisionedDevice(a, "plc-a1", "siemens_s7", "{\"setor\":\"x\"}");
        long ms = Instant.now().minusSeconds(200).toEpochMilli();
        List<String> attacks = List.of(
                "{\"ts\":" + ms + ",\"fields\":{\"locatario_id\":\"" + b + "\",\"plc_id\":\"plc-b1\",\"temp\":999}}",
                "{\"ts\":" + (ms + 1) + ",\"fields\":{\"plc_id\":\"plc-b1\",\"temp\":998}}",
                "{\"ts\":" + (ms + 2) + ",\"fields\":{\"type\":\"siemens_s7\",\"temp\":997}}",
                "{\"ts\":" + (ms + 3) + ",\"fields\":{\"time\":1,\"temp\":996}}",
                "{\"ts\":" + (ms + 4) + ",\"fields\":{\"setor\":\"y\",\"temp\":995}}",             // shadows a device tag
                "{\"ts\":" + (ms + 5) + ",\"tags\":{\"line\":\"L1\"},\"fields\":{\"line\":1}}"); // shadows its own tag
        for (String p : attacks) {
            dev.publish(p);
        }
        dev.publish("{\"ts\":" + (ms + 6) + ",\"fields\":{\"temp\":21}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> fx.deadLetterReasons(a.id()).getOrDefault("invalid_value", 0) == attacks.size()
                && fx.rows("telemetry", a.id()).size() == 1);
        assertThat(fx.deadLetterReasons(a.id())).containsExactly(Map.entry("invalid_value", attacks.size()));
        // no field of A's schema is named like a tag
        List<String> fieldKeys = fx.query("SHOW FIELD KEYS FROM " + IngestFixtures.measurement("telemetry", a.id())).get(0).rows()
                .stream().map(r -> (String) r.get(0)).toList();
        assertThat(fieldKeys).containsExactly("temp");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> pointsTaggedWith(v.tenant().id()) == 6);
        assertVictimUntouched(v);
    }

    @Test
    void twoTenantsSendTheSameFieldNameWithDifferentTypesAndBothAreStored() throws Exception {
        var a = fx.createTenant("types-a");
        var b = fx.createTenant("types-b");
        var da = fx.provisionedDevice(a, "plc-p1", "modbus_tcp", "{}");
        var db = fx.provisionedDevice(b, "plc-p1", "modbus_tcp", "{}");
        long ms = Instant.now().minusSeconds(100).toEpochMilli();
        String field = "humidity_" + IngestFixtures.random(4);
        for (int i = 0; i < 3; i++) { // interleaved, same day (shard)
            da.publish("{\"ts\":" + (ms + i) + ",\"fields\":{\"" + field + "\":" + (50.5 + i) + ",\"secret_a\":1}}");
            db.publish("{\"ts\":" + (ms + i) + ",\"fields\":{\"" + field + "\":\"wet-" + i + "\",\"secret_b\":true}}");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> fx.rows("telemetry", a.id()).size() == 3
                && fx.rows("telemetry", b.id()).size() == 3);
        assertThat(fx.deadLetterReasons(a.id())).isEmpty();
        assertThat(fx.deadLetterReasons(b.id())).isEmpty();
        assertThat(fx.rows("telemetry", a.id())).extracting(r -> r.get(field)).containsExactly(50.5, 51.5, 52.5);
        assertThat(fx.rows("telemetry", b.id())).extracting(r -> r.get(field)).containsExactly("wet-0", "wet-1", "wet-2");
        var keysA = fx.query("SHOW FIELD KEYS FROM " + IngestFixtures.measurement("telemetry", a.id())).get(0).rows();
        var keysB = fx.query("SHOW FIELD KEYS FROM " + IngestFixtures.measurement("telemetry", b.id())).get(0).rows();
        assertThat(keysA).containsExactlyInAnyOrder(List.of(field, "float"), List.of("secret_a", "float"));
        assertThat(keysB).containsExactlyInAnyOrder(List.of(field, "string"), List.of("secret_b", "boolean"));
    }

    @Test
    void planLimitsOnFieldsPerPointAndFieldKeysAreEnforced() throws Exception {
        var t = fx.createTenant("limits", "FREE"); // Flyway V3: FREE = 64 fields per point, 256 field keys
        var dev = fx.provisionedDevice(t, "plc-p1", "opcua", "{}");
        long ms = Instant.now().minusSeconds(100).toEpochMilli();
        dev.publish(element(ms, "wide", 65));                       // schema_limit: 65 > 64 fields
        for (int i = 0; i < 4; i++) {
            dev.publish(element(ms + 1 + i, "k" + i + "_", 60));     // 240 keys
        }
        dev.publish(element(ms + 5, "k4_", 60));                     // schema_limit: 300 > 256 keys
        dev.publish(element(ms + 6, "k0_", 60));                     // known keys: stored
        dev.publish(element(ms + 7, "k5_", 16));                     // 256 keys: stored
        dev.publish(element(ms + 8, "k6_", 1));                      // schema_limit: 257
        await().atMost(Duration.ofSeconds(20)).until(() -> fx.deadLetterReasons(t.id()).getOrDefault("schema_limit", 0) == 3
                && fx.rows("telemetry", t.id()).size() == 6);
        assertThat(fx.deadLetterReasons(t.id())).containsExactly(Map.entry("schema_limit", 3));
        var details = fx.dsl.select(io.tenantry.db.jooq.Tables.DEAD_LETTERS.DETAIL).from(io.tenantry.db.jooq.Tables.DEAD_LETTERS)
                .where(io.tenantry.db.jooq.Tables.DEAD_LETTERS.TENANT_ID.eq(t.id())).fetch(io.tenantry.db.jooq.Tables.DEAD_LETTERS.DETAIL);
        assertThat(details).anyMatch(d -> d.contains("max_fields_per_point")).anyMatch(d -> d.contains("max_field_keys"));
        assertThat(fx.query("SHOW FIELD KEYS FROM " + IngestFixtures.measurement("telemetry", t.id())).get(0).rows()).hasSize(256);
    }

    private static String element(long ts, String prefix, int fields) {
        StringBuilder sb = new StringBuilder("{\"ts\":" + ts + ",\"fields\":{");
        for (int i = 0; i < fields; i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(prefix).append(i).append("\":").append(i);
        }
        return sb.append("}}").toString();
    }

    // ------------------------------------------------------------------ property test

    private static final String SAFE = "abcXYZ019 ,=\"'#.*/-:{}[]éüß°€😀\u2028";
    private static final String HOSTILE = SAFE + "\\\\\\\n\r\t\u0000\u001f";
    private static final Set<String> RESERVED_FIELDS = Set.of("time", "locatario_id", "plc_id", "type");

    private static String name(Random r, String alphabet, int min, int max) {
        int n = min + r.nextInt(max - min + 1);
        StringBuilder sb = new StringBuilder();
        while (sb.codePointCount(0, sb.length()) < n) {
            sb.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, r.nextInt(alphabet.codePointCount(0, alphabet.length())))));
        }
        return sb.toString();
    }

    private static boolean unsafe(String s) {
        if (s.isEmpty()) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\' || Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** One generated element and whether the documented rules (docs/telemetry.md §2) accept it. */
    private record Case(int index, long ts, String measurement, Map<String, String> tags, Map<String, Object> fields, boolean accepted) {
    }

    private static Case generate(Random r, int index, long ts, UUID victim) {
        String alphabet = r.nextInt(4) == 0 ? HOSTILE : SAFE;
        String measurement = r.nextInt(3) == 0 ? (r.nextBoolean() ? "#" : "") + name(r, alphabet, 1, 6) : null;
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            tags.put(name(r, alphabet, 1, 6), name(r, alphabet, 1, 8));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 1 + r.nextInt(3); i > 0; i--) {
            String key = r.nextInt(25) == 0 ? List.copyOf(RESERVED_FIELDS).get(r.nextInt(4)) : name(r, alphabet, 1, 6);
            // a key's type follows from the key, so two cases never conflict on a field's type
            Object value = switch (Math.floorMod(key.hashCode(), 3)) {
                case 0 -> r.nextInt(1000) / 8.0;
                case 1 -> r.nextBoolean();
                default -> switch (r.nextInt(3)) {
                    case 0 -> "\ntelemetry,locatario_id=" + victim + ",plc_id=plc-b1 temp=666 " + ts * 1_000_000L + "\n";
                    case 1 -> name(r, HOSTILE, 0, 12) + "\\";
                    default -> name(r, HOSTILE, 0, 20);
                };
            };
            fields.put(key, value);
        }
        boolean accepted = (measurement == null || !unsafe(measurement))
                && tags.entrySet().stream().noneMatch(e -> unsafe(e.getKey()) || unsafe(e.getValue()) || e.getKey().equals("time")
                || e.getKey().equals("type") || e.getKey().equals("locatario_id") || e.getKey().equals("plc_id")
                || fields.containsKey(e.getKey()))
                && fields.keySet().stream().noneMatch(k -> unsafe(k) || RESERVED_FIELDS.contains(k));
        return new Case(index, ts, measurement, tags, fields, accepted);
    }

    @Test
    void generatedNamesAndValuesReadBackExactlyOrAreRefused() throws Exception {
        long seed = Long.getLong("tenantry.it.seed", System.nanoTime());
        System.out.println("[tenant-isolation-it] property test seed " + seed + " (-Dtenantry.it.seed=" + seed + " repeats it)");
        Random r = new Random(seed);
        Victim v = victim();
        var a = fx.createTenant("fuzz", "ENTERPRISE"); // 10,000 field keys: room for large runs
        var dev = fx.provisionedDevice(a, "plc-a1", "opcua", "{}");
        long base = Instant.now().minusSeconds(1000).toEpochMilli();
        int n = Integer.getInteger("tenantry.it.fuzz-cases", 240); // more with -Dtenantry.it.fuzz-cases=N
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            cases.add(generate(r, i, base + i, v.tenant().id()));
        }
        for (int from = 0; from < n; from += 20) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (Case c : cases.subList(from, Math.min(n, from + 20))) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("ts", c.ts());
                if (c.measurement() != null) {
                    e.put("measurement", c.measurement());
                }
                if (!c.tags().isEmpty()) {
                    e.put("tags", c.tags());
                }
                e.put("fields", c.fields());
                batch.add(e);
            }
            dev.publish(JSON.writeValueAsBytes(batch));
        }
        long expectedStored = cases.stream().filter(Case::accepted).count();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> pointsTaggedWith(a.id())
                    + fx.deadLetterElements(a.id()).values().stream().mapToInt(Integer::intValue).sum() >= n);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.out.printf("[tenant-isolation-it] after 20 s: %d points, dead letters %s; comparing case by case%n",
                    pointsTaggedWith(a.id()), fx.deadLetterReasons(a.id()));
        }
        // the count holds still for a second: nothing late is on its way
        try {
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> pointsTaggedWith(a.id()) == expectedStored);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // compared case by case below
        }

        // read back every point of A, in A's namespace, with its tags
        Map<Long, Map<String, Object>> actual = new HashMap<>();
        Map<Long, Map<String, String>> actualTags = new HashMap<>();
        Map<Long, String> actualMeasurement = new HashMap<>();
        String prefix = TenantMeasurements.prefix(a.id());
        for (var row : fx.query("SHOW MEASUREMENTS").get(0).rows()) {
            String m = (String) row.get(0);
            if (!m.startsWith(prefix)) {
                continue;
            }
            for (var s : fx.query("SELECT * FROM " + InfluxQL.ident(m) + " WHERE \"locatario_id\"::tag = "
                    + InfluxQL.string(a.id().toString()) + " AND time >= " + MIN_TIME + " AND time <= " + MAX_TIME
                    + " GROUP BY *").get(0).series()) {
                for (List<Object> values : s.values()) {
                    long ms = ((Number) values.get(0)).longValue() / 1_000_000L;
                    Map<String, Object> f = new LinkedHashMap<>();
                    for (int i = 1; i < values.size(); i++) {
                        if (values.get(i) != null) {
                            f.put(s.columns().get(i), values.get(i));
                        }
                    }
                    assertThat(actual.put(ms, f)).as("two points at %d", ms).isNull();
                    Map<String, String> tags = new TreeMap<>(s.tags());
                    tags.values().removeIf(String::isEmpty); // GROUP BY * lists the measurement's other tag keys as ""
                    actualTags.put(ms, tags);
                    actualMeasurement.put(ms, m.substring(prefix.length()));
                }
            }
        }
        var soft = new org.assertj.core.api.SoftAssertions();
        for (Case c : cases) {
            String what = "case " + c.index() + " " + JSON.writeValueAsString(Map.of("m", String.valueOf(c.measurement()),
                    "tags", c.tags(), "fields", c.fields()));
            if (!c.accepted()) {
                soft.assertThat(actual).as(what + " must be refused").doesNotContainKey(c.ts());
                continue;
            }
            soft.assertThat(actual).as(what + " must be stored").containsKey(c.ts());
            if (!actual.containsKey(c.ts())) {
                continue;
            }
            soft.assertThat(actualMeasurement.get(c.ts())).as(what).isEqualTo(c.measurement() == null ? "telemetry" : c.measurement());
            Map<String, String> tags = new TreeMap<>(c.tags());
            tags.put("locatario_id", a.id().toString());
            tags.put("plc_id", "plc-a1");
            tags.put("type", "opcua");
            soft.assertThat(new TreeMap<>(actualTags.get(c.ts()))).as(what).isEqualTo(tags);
            Map<String, Object> fields = new HashMap<>();
            c.fields().forEach((k, val) -> fields.put(k, val instanceof Double d && d == Math.rint(d) ? (Object) d.longValue() : val));
            Map<String, Object> got = new HashMap<>();
            actual.get(c.ts()).forEach((k, val) -> got.put(k, val instanceof Double d && d == Math.rint(d) ? (Object) d.longValue() : val));
            soft.assertThat(got).as(what).isEqualTo(fields);
        }
        soft.assertAll();
        assertThat(actual).hasSize((int) expectedStored);
        // one dead-letter row per message (issue 8), counting its rejected elements
        Map<String, Integer> dead = fx.deadLetterElements(a.id());
        assertThat(dead.keySet()).as("refused by our checks, never by InfluxDB").containsOnly("invalid_value");
        assertThat(dead.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(n - (int) expectedStored);
        System.out.printf("[tenant-isolation-it] %d generated elements: %d stored exactly, %d refused%n", n, expectedStored, n - expectedStored);
        assertVictimUntouched(v);
    }
}
