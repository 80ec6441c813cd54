package io.tenantry.ingest.telemetry;

import io.tenantry.core.id.TenantSlug;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.PlcId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TelemetryParserTest {
    private static final UUID TENANT = UUID.fromString("7f3c2a9e-1b2c-4d5e-8f90-123456789abc");
    private static final Identity ID = new Identity(TenantId.of(TENANT), TenantSlug.of("planta-a"), PlcId.of("prensa1"));
    private final TelemetryParser parser = new TelemetryParser(256 * 1024, "telemetry");

    private TelemetryParser.Result parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), ID);
    }

    private static long nanos(String instant) {
        Instant i = Instant.parse(instant);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Test
    void singleObjectWithAllMembers() {
        var r = parse("""
                {"ts": "2024-05-01T12:00:00.123456789Z", "measurement": "press",
                 "fields": {"pressure": 12.5, "count": 7, "on": true, "mode": "auto"},
                 "tags": {"line": "L1"}, "seq": 42}""");
        assertThat(r.rejected()).isEmpty();
        assertThat(r.total()).isEqualTo(1);
        TelemetryElement e = r.elements().get(0);
        assertThat(e.measurement()).isEqualTo("press");
        assertThat(e.tsNanos()).isEqualTo(nanos("2024-05-01T12:00:00.123456789Z"));
        assertThat(e.seq()).isEqualTo(42L);
        assertThat(e.tags()).containsExactly(Map.entry("line", "L1"));
        // integers become doubles so a field never flips between float and integer in InfluxDB
        assertThat(e.fields()).containsExactly(Map.entry("pressure", 12.5), Map.entry("count", 7.0),
                Map.entry("on", true), Map.entry("mode", "auto"));
    }

    @Test
    void defaultsWhenOptionalMembersAreAbsent() {
        TelemetryElement e = parse("{\"fields\": {\"v\": 1}}").elements().get(0);
        assertThat(e.measurement()).isEqualTo("telemetry");
        assertThat(e.tsNanos()).isNull();
        assertThat(e.seq()).isNull();
        assertThat(e.tags()).isEmpty();
        assertThat(parse("{\"fields\": {\"v\": 1}, \"ts\": null, \"seq\": null, \"tags\": null}").rejected()).isEmpty();
    }

    @Test
    void rfc3339WithOffsetsAndFractions() {
        assertThat(parse("{\"ts\":\"2024-05-01T14:00:00+02:00\",\"fields\":{\"v\":1}}").elements().get(0).tsNanos())
                .isEqualTo(nanos("2024-05-01T12:00:00Z"));
        assertThat(parse("{\"ts\":\"2024-05-01T09:30:00.5-02:30\",\"fields\":{\"v\":1}}").elements().get(0).tsNanos())
                .isEqualTo(nanos("2024-05-01T12:00:00.5Z"));
        assertThat(parse("{\"ts\":\"2024-05-01t12:00:00.000000001z\",\"fields\":{\"v\":1}}").elements().get(0).tsNanos())
                .isEqualTo(nanos("2024-05-01T12:00:00.000000001Z"));
        // more than 9 fractional digits: truncated to ns
        assertThat(parse("{\"ts\":\"2024-05-01T12:00:00.1234567891234Z\",\"fields\":{\"v\":1}}").elements().get(0).tsNanos())
                .isEqualTo(nanos("2024-05-01T12:00:00.123456789Z"));
        assertThat(parse("{\"ts\":\"1969-12-31T23:59:59.999Z\",\"fields\":{\"v\":1}}").elements().get(0).tsNanos())
                .isEqualTo(-1_000_000L);
    }

    @Test
    void epochMillisIntegralAndFractional() {
        assertThat(parse("{\"ts\":1714564800123,\"fields\":{\"v\":1}}").elements().get(0).tsNanos())
                .isEqualTo(1_714_564_800_123_000_000L);
        assertThat(parse("{\"ts\":1714564800123.456789,\"fields\":{\"v\":1}}").elements().get(0).tsNanos())
                .isEqualTo(1_714_564_800_123_456_789L);
        assertThat(parse("{\"ts\":1.714564800123E12,\"fields\":{\"v\":1}}").elements().get(0).tsNanos())
                .isEqualTo(1_714_564_800_123_000_000L);
    }

    @Test
    void badTimestamps() {
        for (String ts : new String[]{"\"2024-05-01\"", "\"2024-05-01T12:00Z\"", "\"2024-13-01T12:00:00Z\"",
                "\"2024-02-30T12:00:00Z\"", "\"2024-05-01T12:00:60Z\"", "\"2024-05-01T12:00:00\"",
                "\"2024-05-01T12:00:00+24:00\"", "\"yesterday\"", "true", "{}", "[1]", "1e30", "-1e30",
                "\"2263-01-01T00:00:00Z\""}) {
            var r = parse("{\"ts\":" + ts + ",\"fields\":{\"v\":1}}");
            assertThat(r.elements()).as(ts).isEmpty();
            assertThat(r.rejected()).as(ts).singleElement()
                    .satisfies(x -> assertThat(x.reason()).isEqualTo(RejectReason.BAD_TIMESTAMP));
        }
    }

    @Test
    void batchKeepsGoodElementsAndRejectsBadOnesOneByOne() {
        var r = parse("""
                [{"ts": 1714564800000, "fields": {"v": 1}, "seq": 1},
                 {"ts": 1714564801000, "fields": {"v": {"nested": 1}}, "seq": 2},
                 42,
                 {"ts": 1714564802000, "fields": {"v": 3}, "seq": 3}]""");
        assertThat(r.total()).isEqualTo(4);
        assertThat(r.elements()).extracting(TelemetryElement::seq).containsExactly(1L, 3L);
        assertThat(r.elements()).extracting(TelemetryElement::index).containsExactly(0, 3);
        assertThat(r.rejected()).extracting(Rejection::reason)
                .containsExactly(RejectReason.WRONG_TYPE, RejectReason.MALFORMED_JSON);
        Rejection wrong = r.rejected().get(0);
        assertThat(wrong.detail()).startsWith("element 1: ").contains("field 'v' is an object");
        // the dead letter holds just the bad element
        assertThat(new String(wrong.payload(), StandardCharsets.UTF_8))
                .isEqualTo("{\"ts\":1714564801000,\"fields\":{\"v\":{\"nested\":1}},\"seq\":2}");
        assertThat(new String(r.rejected().get(1).payload(), StandardCharsets.UTF_8)).isEqualTo("42");
    }

    @Test
    void wrongTypes() {
        assertReject("{\"fields\":{\"v\":null}}", RejectReason.WRONG_TYPE, "field 'v' is null");
        assertReject("{\"fields\":{\"v\":[1,2]}}", RejectReason.WRONG_TYPE, "field 'v' is an array");
        assertReject("{\"fields\":{\"v\":{}}}", RejectReason.WRONG_TYPE, "field 'v' is an object");
        assertReject("{\"fields\":[1]}", RejectReason.WRONG_TYPE, "'fields' must be an object");
        assertReject("{\"fields\":{\"v\":1},\"tags\":{\"line\":1}}", RejectReason.WRONG_TYPE, "tag 'line' must be a string");
        assertReject("{\"fields\":{\"v\":1},\"tags\":[\"x\"]}", RejectReason.WRONG_TYPE, "'tags' must be an object");
        assertReject("{\"fields\":{\"v\":1},\"seq\":\"7\"}", RejectReason.WRONG_TYPE, "'seq' must be an integer");
        assertReject("{\"fields\":{\"v\":1},\"seq\":1.5}", RejectReason.WRONG_TYPE, "'seq' must be an integer");
        assertReject("{\"fields\":{\"v\":1},\"measurement\":5}", RejectReason.WRONG_TYPE, "'measurement' must be a string");
    }

    @Test
    void invalidValues() {
        assertReject("{\"fields\":{\"v\":1e400}}", RejectReason.INVALID_VALUE, "float64");
        assertReject("{\"fields\":{\"\":1}}", RejectReason.INVALID_VALUE, "must not be empty");
        assertReject("{\"fields\":{\"a\\nb\":1}}", RejectReason.INVALID_VALUE, "control characters");
        assertReject("{\"fields\":{\"time\":1}}", RejectReason.INVALID_VALUE, "must not be 'time'");
        assertReject("{\"fields\":{\"v\":1},\"seq\":-1}", RejectReason.INVALID_VALUE, "negative");
        assertReject("{\"fields\":{\"v\":1},\"measurement\":\"\"}", RejectReason.INVALID_VALUE, "must not be empty");
        assertReject("{\"fields\":{\"v\":\"" + "x".repeat(70_000) + "\"}}", RejectReason.INVALID_VALUE, "64 KiB");
        assertThat(parse("{\"fields\":{\"v\":1},\"seq\":2.0}").elements().get(0).seq()).isEqualTo(2L);
    }

    @Test
    void namesInfluxCannotParseSafelyAndReservedFieldKeysAreRefused() {
        // issue 7's injection payloads: key k\, (JSON "k\\,") with a newline-carrying string; tag value x\ \,; measurement m\ \,
        assertReject("{\"fields\":{\"k\\\\,\":1,\"s\":\"\\ntelemetry,locatario_id=b,plc_id=b1,type=siemens_s7 temp=666 1\\n\"}}",
                RejectReason.INVALID_VALUE, "backslash");
        assertReject("{\"fields\":{\"v\":1},\"tags\":{\"t\":\"x\\\\ \\\\,\"}}", RejectReason.INVALID_VALUE, "backslash");
        assertReject("{\"fields\":{\"v\":1},\"measurement\":\"m\\\\ \\\\,\"}", RejectReason.INVALID_VALUE, "backslash");
        assertReject("{\"fields\":{\"v\":1},\"tags\":{\"t\\u0000\":\"x\"}}", RejectReason.INVALID_VALUE, "control characters");
        assertReject("{\"fields\":{\"v\\ud800\":1}}", RejectReason.MALFORMED_JSON, ""); // Jackson refuses an unpaired surrogate
        // a field named like a reserved tag hid other tenants' data (issue 7)
        for (String reserved : new String[]{"locatario_id", "plc_id", "type"}) {
            assertReject("{\"fields\":{\"" + reserved + "\":\"x\",\"temp\":999}}", RejectReason.INVALID_VALUE, "reserved");
        }
        assertReject("{\"fields\":{\"line\":1},\"tags\":{\"line\":\"L1\"}}", RejectReason.INVALID_VALUE, "both a tag and a field");
        // '#' first is fine: the stored measurement is "<tenant uuid>.#m"; names with quotes, '=', commas, unicode too
        assertThat(parse("{\"fields\":{\"a \\\"b\\\"=,c°\":1},\"measurement\":\"#m\",\"tags\":{\"k=,\":\"v \\\"q\\\"\"}}")
                .elements()).singleElement().satisfies(e -> {
                    assertThat(e.measurement()).isEqualTo("#m");
                    assertThat(e.fields()).containsKey("a \"b\"=,c°");
                    assertThat(e.tags()).containsEntry("k=,", "v \"q\"");
                });
    }

    @Test
    void malformedPayloads() {
        assertReject("{\"fields\":{\"v\":1}", RejectReason.MALFORMED_JSON, "");
        assertReject("not json", RejectReason.MALFORMED_JSON, "");
        assertReject("", RejectReason.MALFORMED_JSON, "empty payload");
        assertReject("[]", RejectReason.MALFORMED_JSON, "empty batch");
        assertReject("\"text\"", RejectReason.MALFORMED_JSON, "top level");
        assertReject("{\"ts\":1}", RejectReason.MALFORMED_JSON, "missing 'fields'");
        assertReject("{\"fields\":{}}", RejectReason.MALFORMED_JSON, "'fields' is empty");
        assertReject("{\"fields\":{\"v\":1,\"v\":2}}", RejectReason.MALFORMED_JSON, "Duplicate");
        assertReject("{\"fields\":{\"v\":1}} {}", RejectReason.MALFORMED_JSON, "");
        // a message-level rejection keeps the exact raw payload
        byte[] raw = "{oops".getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parse(raw, ID).rejected().get(0).payload()).isEqualTo(raw);
    }

    @Test
    void oversizedPayloadsAreNotParsed() {
        TelemetryParser small = new TelemetryParser(100, "telemetry");
        byte[] big = ("{\"fields\":{\"v\":\"" + "x".repeat(100) + "\"}}").getBytes(StandardCharsets.UTF_8);
        var r = small.parse(big, ID);
        assertThat(r.elements()).isEmpty();
        assertThat(r.rejected()).singleElement().satisfies(x -> {
            assertThat(x.reason()).isEqualTo(RejectReason.OVERSIZED);
            assertThat(x.detail()).contains(big.length + " bytes").contains("limit is 100");
            assertThat(x.payload()).isEqualTo(java.util.Arrays.copyOf(big, 100)); // bounded
        });
        assertThat(small.parse("{\"fields\":{\"v\":1}}".getBytes(StandardCharsets.UTF_8), ID).rejected()).isEmpty();
    }

    @Test
    void spoofedTenantOrDeviceIsRejected() {
        String other = UUID.randomUUID().toString();
        assertReject("{\"locatario_id\":\"" + other + "\",\"fields\":{\"v\":1}}", RejectReason.SPOOFED_TENANT, other);
        assertReject("{\"fields\":{\"v\":1},\"tags\":{\"locatario_id\":\"" + other + "\"}}", RejectReason.SPOOFED_TENANT,
                "tags.locatario_id");
        assertReject("{\"locatario_id\":\"planta-b\",\"fields\":{\"v\":1}}", RejectReason.SPOOFED_TENANT, "planta-b");
        assertReject("{\"locatario_id\":123,\"fields\":{\"v\":1}}", RejectReason.SPOOFED_TENANT, "123");
        assertReject("{\"plc_id\":\"prensa2\",\"fields\":{\"v\":1}}", RejectReason.SPOOFED_DEVICE, "prensa2");
        assertReject("{\"fields\":{\"v\":1},\"tags\":{\"plc_id\":\"prensa2\"}}", RejectReason.SPOOFED_DEVICE, "prensa2");
        // spoofing wins over other problems of the same element
        assertReject("{\"locatario_id\":\"" + other + "\",\"fields\":{\"v\":null}}", RejectReason.SPOOFED_TENANT, "");
    }

    @Test
    void agreeingIdentityIsFineAndReservedTagsAreDropped() {
        var r = parse("{\"locatario_id\":\"" + TENANT.toString().toUpperCase() + "\",\"plc_id\":\"prensa1\","
                + "\"fields\":{\"v\":1},\"tags\":{\"locatario_id\":\"planta-a\",\"plc_id\":\"prensa1\",\"type\":\"x\",\"k\":\"v\"}}");
        assertThat(r.rejected()).isEmpty();
        assertThat(r.elements().get(0).tags()).containsExactly(Map.entry("k", "v"));
    }

    private void assertReject(String json, RejectReason reason, String detailPart) {
        var r = parse(json);
        assertThat(r.elements()).as(json).isEmpty();
        assertThat(r.rejected()).as(json).singleElement().satisfies(x -> {
            assertThat(x.reason()).isEqualTo(reason);
            assertThat(x.detail()).contains(detailPart);
        });
    }
}
