package io.tenantry.ingest.telemetry;

import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.TenantSlug;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15: {@link TelemetryParser} (streaming, falling back to the tree on any rejection) must give exactly what
 * {@link TreeTelemetryParser} (the former tree implementation) gives, for every payload: the same elements (map
 * order and value types included), the same rejection reasons, details and dead-letter bytes, the same totals.
 * The payloads: those of TelemetryParserTest, HostileNumbersTest and docs/telemetry.md, generated valid ones, and
 * {@value #MUTATIONS} seeded random mutations of them (truncations, byte edits, type swaps, extra and duplicate
 * members, deep nesting, huge and tiny numbers, unicode, identity claims, batches).
 * <p>
 * Also checks that the streaming path is really used: it must accept every payload the tree accepts without
 * rejections, so valid traffic never pays for a tree.
 */
class TelemetryParserDifferentialTest {
    static final int MUTATIONS = 20_000;
    private static final String UUID_TEXT = "7f3c2a9e-1b2c-4d5e-8f90-123456789abc";
    private static final Identity ID = new Identity(TenantId.parse(UUID_TEXT), TenantSlug.of("planta-a"), PlcId.of("prensa1"));
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final TimeWindow WINDOW = TimeWindow.around(NOW, Duration.ofDays(7), Duration.ofMinutes(60));

    private static final String[] VALUES = {
            "1", "0", "-0", "-0.0", "0.0", "7", "12.5", "-3.25e2", "1e30", "-1e30", "1e308", "1e309", "-1e401", "1e400",
            "1e-200000000", "-1e-200000000", "1e200000000", "1E+999999999", "1e2147483647", "1e-2147483648",
            "100e2147483647", "0e-2147483647", "1e-400", "-1e-401", "4.9e-324", "1.5e300", "4.2e1", "2.0", "1.5", "-1",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "92233720368547.76", "1714564800123", "1714564800123.456789", "1.714564800123E12", "1.000", "1E2",
            "9".repeat(100), "9".repeat(101), "0." + "9".repeat(99), "1" + "0".repeat(99), "123456789012345678901234567890",
            "true", "false", "null", "{}", "[]", "[1,2]", "{\"nested\":1}", "{\"a\":{\"b\":[1,{\"c\":null}]}}",
            "\"auto\"", "\"\"", "\"7\"", "\"L1\"", "\"a\\nb\"", "\"x\\\\ \\\\,\"", "\"\\u0000\"", "\"\\ud800\"",
            "\"\\ud83d\\ude00\"", "\"température°\"", "\"v \\\"q\\\"\"", "\"\\u0085\"", "\"x".repeat(1) + "y".repeat(300) + "\"",
            "\"2024-05-01T12:00:00.123456789Z\"", "\"2024-05-01T14:00:00+02:00\"", "\"2024-05-01\"", "\"yesterday\"",
            "\"2026-11-30T12:30:00Z\"", "\"2026-12-07T12:00:00Z\"", "\"1990-01-01T00:00:00Z\"", "\"2263-01-01T00:00:00Z\"",
            "\"" + UUID_TEXT + "\"", "\"" + UUID_TEXT.toUpperCase() + "\"", "\"planta-a\"", "\"planta-b\"", "\"prensa1\"",
            "\"prensa2\"", "123", "NaN", "Infinity", "-Infinity", "'x'", "01", "1.", ".5", "+1", "0x10",
            String.valueOf(NOW.toEpochMilli()), String.valueOf(NOW.toEpochMilli() + 3_600_001),
    };
    private static final String INSERTS = "{}[]\",:\\0 -+.eE1\u0000\u00e9\ud83d\ude00x";
    private static final String[] KEYS = {
            "fields", "tags", "ts", "seq", "measurement", "locatario_id", "plc_id", "type", "time", "v", "x", "line",
            "", "a\\nb", "k\\\\,", "\\u0000", "\\ud800", "température°", "a \\\"b\\\"=,c°", "#m", "extra", "Volume Flow RateRMS",
            "y".repeat(257),
    };

    @Test
    void streamingAndTreeParsersAgreeOnEveryPayload() {
        TelemetryParser parser = new TelemetryParser(256 * 1024, 50, "telemetry");
        TreeTelemetryParser tree = new TreeTelemetryParser(256 * 1024, 50, "telemetry");
        TelemetryParser small = new TelemetryParser(200, 3, "m");
        TreeTelemetryParser smallTree = new TreeTelemetryParser(200, 3, "m");
        Random rnd = new Random(15);
        List<String> seeds = seeds(rnd);
        int compared = 0;
        int accepted = 0;
        List<String> all = new ArrayList<>(seeds);
        for (int i = 0; i < MUTATIONS; i++) {
            all.add(mutate(seeds.get(rnd.nextInt(seeds.size())), rnd));
        }
        // issue 15, third round: the streaming parser finds duplicate names itself (not Jackson's detector)
        all.addAll(List.of(
                "{\"fields\":{\"v\":1,\"v\":2}}",
                "{\"fields\":{\"v\":1,\"w\":2,\"v\":1}}",
                "{\"fields\":{\"v\":1},\"fields\":{\"w\":2}}",
                "{\"fields\":{\"v\":1},\"tags\":{\"line\":\"L1\",\"line\":\"L2\"}}",
                "{\"fields\":{\"v\":1},\"tags\":{\"line\":\"L1\",\"x\":\"a\",\"line\":\"L1\"}}",
                "{\"fields\":{\"v\":1},\"tags\":null,\"tags\":{\"line\":\"L1\"}}",
                "{\"fields\":{\"v\":1},\"ts\":null,\"ts\":1714564800123}",
                "{\"fields\":{\"v\":1},\"seq\":1,\"seq\":1}",
                "{\"fields\":{\"v\":1},\"measurement\":\"m\",\"measurement\":\"m\"}",
                "{\"fields\":{\"v\":1},\"locatario_id\":null,\"locatario_id\":null}",
                "{\"fields\":{\"v\":1},\"plc_id\":\"prensa1\",\"plc_id\":\"prensa1\"}",
                "{\"fields\":{\"v\":1},\"extra\":1,\"extra\":2}",
                "{\"fields\":{\"v\":1},\"extra\":1,\"other\":2}",
                "{\"fields\":{\"v\":1},\"extra\":{\"a\":1,\"a\":2}}",
                "{\"fields\":{\"v\":1},\"extra\":{\"a\":1,\"b\":2}}",
                "{\"fields\":{\"v\":1},\"extra\":[{\"a\":1,\"a\":2}]}",
                "{\"fields\":{\"v\":1},\"extra\":[1,2]}",
                "[{\"fields\":{\"v\":1}},{\"fields\":{\"v\":1,\"v\":1}}]"));
        for (String json : all) {
            byte[] payload = json.getBytes(StandardCharsets.UTF_8);
            for (TimeWindow w : new TimeWindow[]{TimeWindow.UNBOUNDED, WINDOW}) {
                TelemetryParser.Result expected = tree.parse(payload, ID, w);
                assertSame(json, expected, parser.parse(payload, ID, w));
                TelemetryParser.Result fast = parser.parseStreaming(payload, ID, w);
                if (expected.rejected().isEmpty()) {
                    assertThat(fast).as("streaming path refused a valid payload: %s", json).isNotNull();
                    accepted++;
                } else {
                    assertThat(fast).as(json).isNull();
                }
                compared++;
            }
            assertSame(json, smallTree.parse(payload, ID, TimeWindow.UNBOUNDED), small.parse(payload, ID));
            compared++;
        }
        System.out.printf("differential: %d payloads (%d seeds + %d mutations), %d comparisons, %d accepted by the "
                + "streaming path%n", all.size(), seeds.size(), MUTATIONS, compared, accepted);
        assertThat(all).hasSizeGreaterThan(MUTATIONS);
        assertThat(accepted).as("valid payloads among the generated ones").isGreaterThan(2_000);
        assertThat(compared - accepted).as("rejected payloads among the generated ones").isGreaterThan(10_000);
    }

    private static void assertSame(String json, TelemetryParser.Result expected, TelemetryParser.Result actual) {
        String what = json.length() > 300 ? json.substring(0, 300) + "..." : json;
        assertThat(actual.total()).as(what).isEqualTo(expected.total());
        assertThat(describe(actual.elements())).as(what).isEqualTo(describe(expected.elements()));
        assertThat(actual.rejected()).as(what).hasSameSizeAs(expected.rejected());
        for (int i = 0; i < expected.rejected().size(); i++) {
            Rejection e = expected.rejected().get(i);
            Rejection a = actual.rejected().get(i);
            assertThat(a.reason()).as(what).isEqualTo(e.reason());
            assertThat(a.detail()).as(what).isEqualTo(e.detail());
            assertThat(Arrays.equals(a.payload(), e.payload())).as(what).isTrue();
        }
    }

    /** Elements with map order and value classes made visible (LinkedHashMap.equals ignores order, 0.0 vs -0.0...). */
    private static List<String> describe(List<TelemetryElement> elements) {
        List<String> out = new ArrayList<>();
        for (TelemetryElement e : elements) {
            StringBuilder b = new StringBuilder().append(e.index()).append('|').append(e.measurement()).append('|')
                    .append(e.tsNanos()).append('|').append(e.seq()).append("|fields:");
            for (Map.Entry<String, Object> f : e.fields().entrySet()) {
                Object v = f.getValue();
                b.append(f.getKey()).append('=').append(v.getClass().getSimpleName()).append(':')
                        .append(v instanceof Double d ? Double.doubleToRawLongBits(d) + "/" + d : v).append(';');
            }
            b.append("|tags:");
            e.tags().forEach((k, v) -> b.append(k).append('=').append(v).append(';'));
            out.add(b.toString());
        }
        return out;
    }

    private static List<String> seeds(Random rnd) {
        List<String> s = new ArrayList<>(List.of(
                // TelemetryParserTest, HostileNumbersTest, docs/telemetry.md
                "{\"ts\": \"2024-05-01T12:00:00.123456789Z\", \"measurement\": \"press\",\n \"fields\": {\"pressure\": 12.5, \"count\": 7, \"on\": true, \"mode\": \"auto\"},\n \"tags\": {\"line\": \"L1\"}, \"seq\": 42}",
                "{\n  \"ts\": \"2024-05-01T09:00:00.123456789-03:00\",\n  \"fields\": {\"Volume Flow RateRMS\": 32.25, \"pressure\": 7, \"running\": true, \"mode\": \"auto\"},\n  \"tags\": {\"line\": \"L1\"},\n  \"seq\": 1042,\n  \"measurement\": \"telemetry\"\n}",
                "{\"fields\": {\"v\": 1}}",
                "{\"fields\": {\"v\": 1}, \"ts\": null, \"seq\": null, \"tags\": null}",
                "{\"ts\":\"2024-05-01t12:00:00.000000001z\",\"fields\":{\"v\":1}}",
                "{\"ts\":\"2024-05-01T12:00:00.1234567891234Z\",\"fields\":{\"v\":1}}",
                "{\"ts\":\"1969-12-31T23:59:59.999Z\",\"fields\":{\"v\":1}}",
                "[{\"ts\": 1714564800000, \"fields\": {\"v\": 1}, \"seq\": 1},\n {\"ts\": 1714564801000, \"fields\": {\"v\": {\"nested\": 1}}, \"seq\": 2},\n 42,\n {\"ts\": 1714564802000, \"fields\": {\"v\": 3}, \"seq\": 3}]",
                "{\"fields\":{\"k\\\\,\":1,\"s\":\"\\ntelemetry,locatario_id=b,plc_id=b1,type=siemens_s7 temp=666 1\\n\"}}",
                "{\"fields\":{\"a \\\"b\\\"=,c°\":1},\"measurement\":\"#m\",\"tags\":{\"k=,\":\"v \\\"q\\\"\"}}",
                "{\"fields\":{\"line\":1},\"tags\":{\"line\":\"L1\"}}",
                "{\"fields\":{\"v\":1,\"v\":2}}", "{\"fields\":{\"v\":1}} {}", "{oops", "not json", "", "  ", "[]", "\"text\"",
                "{\"ts\":1}", "{\"fields\":{}}", "[{},{},{},{}]", "[{},{},{}]",
                "{\"locatario_id\":\"" + UUID_TEXT.toUpperCase() + "\",\"plc_id\":\"prensa1\",\"fields\":{\"v\":1},\"tags\":{\"locatario_id\":\"planta-a\",\"plc_id\":\"prensa1\",\"type\":\"x\",\"k\":\"v\"}}",
                "{\"locatario_id\":123,\"fields\":{\"v\":1}}", "{\"locatario_id\":\"planta-b\",\"fields\":{\"v\":null}}",
                "{\"fields\":{\"x\":" + "[".repeat(40) + "]".repeat(40) + "}}",
                "{\"fields\":{\"x\":" + "1".repeat(2000) + "}}",
                "{\"fields\":{\"v\":\"" + "x".repeat(70_000) + "\"}}",
                "{\"fields\":{\"v\":\"" + "é".repeat(30_000) + "\"}}",
                "{\"fields\":{\"v\":\"" + "\\ud83d\\ude00".repeat(17_000) + "\"}}",
                "{\"fields\":{\"v\":1},\"unknown\":{\"a\":[1,2.5,1e-2147483648]}}",
                "{\"fields\":{\"v\":1},\"unknown\":[100e2147483647]}",
                "{\"fields\":{\"v\":1},\"unknown\":{\"a\":1,\"a\":2}}"));
        for (int i = 0; i < 300; i++) {
            s.add(rnd.nextInt(3) == 0 ? batch(rnd, 1 + rnd.nextInt(5)) : validElement(rnd));
        }
        for (int i = 0; i < 300; i++) {
            s.add(randomElement(rnd));
        }
        return s;
    }

    private static String batch(Random rnd, int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(rnd.nextInt(8) == 0 ? randomElement(rnd) : validElement(rnd));
        }
        return b.append(']').toString();
    }

    private static String validElement(Random rnd) {
        StringBuilder b = new StringBuilder("{");
        List<String> members = new ArrayList<>();
        StringBuilder f = new StringBuilder("\"fields\":{");
        int nf = 1 + rnd.nextInt(6);
        for (int i = 0; i < nf; i++) {
            String v = switch (rnd.nextInt(6)) {
                case 0 -> String.valueOf(rnd.nextInt());
                case 1 -> String.valueOf(rnd.nextDouble() * 1000);
                case 2 -> rnd.nextBoolean() ? "true" : "false";
                case 3 -> "\"s" + rnd.nextInt(100) + "\"";
                case 4 -> rnd.nextInt(1000) + "." + rnd.nextInt(1000) + "e" + (rnd.nextInt(40) - 20);
                default -> String.valueOf(rnd.nextLong());
            };
            f.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(v);
        }
        members.add(f.append('}').toString());
        if (rnd.nextBoolean()) {
            members.add("\"ts\":" + (rnd.nextBoolean() ? String.valueOf(NOW.toEpochMilli() - rnd.nextInt(1_000_000))
                    : "\"2026-11-30T1" + rnd.nextInt(2) + ":0" + rnd.nextInt(10) + ":00." + rnd.nextInt(1000) + "Z\""));
        }
        if (rnd.nextBoolean()) {
            members.add("\"seq\":" + rnd.nextInt(1_000_000));
        }
        if (rnd.nextBoolean()) {
            members.add("\"tags\":{\"line\":\"L" + rnd.nextInt(5) + "\",\"type\":\"x\",\"empty\":\"\"}");
        }
        if (rnd.nextInt(4) == 0) {
            members.add("\"measurement\":\"m" + rnd.nextInt(3) + "\"");
        }
        if (rnd.nextInt(4) == 0) {
            members.add("\"locatario_id\":" + (rnd.nextBoolean() ? "\"planta-a\"" : "null") + ",\"plc_id\":\"prensa1\"");
        }
        if (rnd.nextInt(4) == 0) {
            members.add("\"extra\":{\"a\":[1,2.5,\"x\",null,{\"b\":true}]}");
        }
        java.util.Collections.shuffle(members, rnd);
        return b.append(String.join(",", members)).append('}').toString();
    }

    private static String randomElement(Random rnd) {
        StringBuilder b = new StringBuilder("{");
        int n = rnd.nextInt(6);
        boolean hasFields = false;
        for (int i = 0; i < n; i++) {
            String k = KEYS[rnd.nextInt(KEYS.length)];
            hasFields |= k.equals("fields");
            b.append(i == 0 ? "" : ",").append('"').append(k).append("\":").append(randomValue(rnd, 0));
        }
        if (!hasFields && rnd.nextBoolean()) {
            b.append(n == 0 ? "" : ",").append("\"fields\":").append(randomObject(rnd, 1));
        }
        return b.append('}').toString();
    }

    private static String randomValue(Random rnd, int depth) {
        int c = rnd.nextInt(depth > 3 ? 1 : 4);
        return c == 0 || c == 1 ? VALUES[rnd.nextInt(VALUES.length)] : c == 2 ? randomObject(rnd, depth + 1) : "[" + randomValue(rnd, depth + 1) + "]";
    }

    private static String randomObject(Random rnd, int depth) {
        StringBuilder b = new StringBuilder("{");
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append('"').append(KEYS[rnd.nextInt(KEYS.length)]).append("\":").append(randomValue(rnd, depth));
        }
        return b.append('}').toString();
    }

    private static String mutate(String s, Random rnd) {
        if (s.isEmpty()) {
            return VALUES[rnd.nextInt(VALUES.length)];
        }
        int at = rnd.nextInt(s.length());
        return switch (rnd.nextInt(12)) {
            case 0 -> s.substring(0, at); // truncation
            case 1 -> s.substring(0, at) + s.substring(Math.min(s.length(), at + 1 + rnd.nextInt(3))); // deletion
            case 2 -> s.substring(0, at) + INSERTS.charAt(rnd.nextInt(INSERTS.length())) + s.substring(at);
            case 3 -> replaceValue(s, rnd); // type swap / odd numbers / unicode
            case 4 -> replaceValue(replaceValue(s, rnd), rnd);
            case 5 -> s.startsWith("{") ? "{\"" + KEYS[rnd.nextInt(KEYS.length)] + "\":" + randomValue(rnd, 0) + "," + s.substring(1) : s; // extra / duplicate member
            case 6 -> "[" + s + "," + s + "]"; // batch of it
            case 7 -> s.replaceFirst("\"fields\":\\{", "\"fields\":{\"deep\":" + "[".repeat(25 + rnd.nextInt(10)) + "]".repeat(25 + rnd.nextInt(10)) + ",");
            case 8 -> s + (rnd.nextBoolean() ? " " : " " + VALUES[rnd.nextInt(VALUES.length)]); // trailing
            case 9 -> s.replace("\"v\"", "\"" + KEYS[rnd.nextInt(KEYS.length)] + "\"").replace("\"line\"", "\"" + KEYS[rnd.nextInt(KEYS.length)] + "\"");
            case 10 -> "[" + s + "," + batch(rnd, 1 + rnd.nextInt(3)) .substring(1);
            default -> s.replaceFirst("\"fields\":\\{", "\"fields\":{\"" + KEYS[rnd.nextInt(KEYS.length)] + "\":" + randomValue(rnd, 1) + ",");
        };
    }

    /** Replaces one scalar after a ':' with a random value. */
    private static String replaceValue(String s, Random rnd) {
        List<Integer> colons = new ArrayList<>();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ':') {
                colons.add(i);
            }
        }
        if (colons.isEmpty()) {
            return s;
        }
        int c = colons.get(rnd.nextInt(colons.size())) + 1;
        int end = c;
        while (end < s.length() && ",}]".indexOf(s.charAt(end)) < 0) {
            end++;
        }
        return s.substring(0, c) + randomValue(rnd, 2) + s.substring(end);
    }

    /**
     * Not a test of speed (house rule: no timed assertions): prints the CPU nanoseconds per message of the tree and
     * the streaming parser on the same payloads, for docs/benchmarks.md. Run with
     * {@code -Dtest=TelemetryParserDifferentialTest -Dtenantry.bench=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "tenantry.bench", matches = "true")
    void printCpuPerMessage() {
        TelemetryParser parser = new TelemetryParser(256 * 1024, "telemetry");
        TreeTelemetryParser tree = new TreeTelemetryParser(256 * 1024, TelemetryParser.DEFAULT_MAX_ELEMENTS, "telemetry");
        Random rnd = new Random(1);
        String single = "{\"ts\":" + NOW.toEpochMilli() + ",\"seq\":1042,\"fields\":{\"Volume Flow RateRMS\":32.25,"
                + "\"pressure\":7.125,\"temperature\":21.5,\"current\":3.75,\"running\":true,\"mode\":\"auto\"},\"tags\":{\"line\":\"L1\"}}";
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 50; i++) {
            b.append(i == 0 ? "" : ",").append(single.replace("1042", String.valueOf(i)).replace("32.25", String.valueOf(rnd.nextDouble() * 100)));
        }
        String batch = b.append(']').toString();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (String[] c : new String[][]{{"single element", single}, {"batch of 50", batch}}) {
            byte[] payload = c[1].getBytes(StandardCharsets.UTF_8);
            int n = c[0].startsWith("single") ? 200_000 : 4_000;
            long[] best = {Long.MAX_VALUE, Long.MAX_VALUE};
            for (int round = 0; round < 5; round++) {
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    tree.parse(payload, ID, TimeWindow.UNBOUNDED);
                }
                long t1 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    parser.parse(payload, ID);
                }
                long t2 = mx.getCurrentThreadCpuTime();
                best[0] = Math.min(best[0], (t1 - t0) / n);
                best[1] = Math.min(best[1], (t2 - t1) / n);
            }
            System.out.printf("parse CPU ns/message, %s (%d bytes): tree %d, streaming %d (best of 5 rounds of %d)%n",
                    c[0], payload.length, best[0], best[1], n);
        }
    }
}
