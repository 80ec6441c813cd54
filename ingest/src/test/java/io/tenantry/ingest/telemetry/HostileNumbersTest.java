package io.tenantry.ingest.telemetry;

import io.tenantry.core.id.TenantSlug;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.PlcId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Issue 8: numbers whose cost grows with their exponent or digit count, and timestamps outside the plan's
 * window. Each case is decided by reason; the 10 s preemptive bound is only a sanity net against the old
 * behaviour (122 s for {@code 1e200000000}), not a speed assertion.
 */
class HostileNumbersTest {
    private static final Identity ID = new Identity(TenantId.parse("7f3c2a9e-1b2c-4d5e-8f90-123456789abc"), TenantSlug.of("planta-a"), PlcId.of("prensa1"));
    private final TelemetryParser parser = new TelemetryParser(256 * 1024, 10_000, "telemetry");

    private TelemetryParser.Result parse(String json) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> parser.parse(json.getBytes(StandardCharsets.UTF_8), ID));
    }

    private TelemetryParser.Result parse(String json, TimeWindow w) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> parser.parse(json.getBytes(StandardCharsets.UTF_8), ID, w));
    }

    private void rejected(String json, RejectReason reason, String detailPart) {
        var r = parse(json);
        assertThat(r.elements()).as(json).isEmpty();
        assertThat(r.rejected()).as(json).singleElement().satisfies(x -> {
            assertThat(x.reason()).isEqualTo(reason);
            assertThat(x.detail()).contains(detailPart);
        });
    }

    @Test
    void hugeExponentsInTimestampsAreRefusedWithoutBuildingTheNumber() {
        rejected("{\"ts\":1e200000000,\"fields\":{\"x\":1}}", RejectReason.BAD_TIMESTAMP, "outside InfluxDB's range");
        rejected("{\"ts\":1e30000000,\"fields\":{\"x\":1}}", RejectReason.BAD_TIMESTAMP, "outside InfluxDB's range");
        rejected("{\"ts\":-1E+999999999,\"fields\":{\"x\":1}}", RejectReason.BAD_TIMESTAMP, "outside InfluxDB's range");
        rejected("{\"ts\":1e2147483647,\"fields\":{\"x\":1}}", RejectReason.BAD_TIMESTAMP, "outside InfluxDB's range");
        rejected("{\"ts\":92233720368547.76,\"fields\":{\"x\":1}}", RejectReason.BAD_TIMESTAMP, "outside");
        // tiny magnitudes: floor to 0 or -1 ns without dividing by 10^200000000
        assertThat(parse("{\"ts\":1e-200000000,\"fields\":{\"x\":1}}").elements().get(0).tsNanos()).isZero();
        assertThat(parse("{\"ts\":-1e-200000000,\"fields\":{\"x\":1}}").elements().get(0).tsNanos()).isEqualTo(-1L);
        assertThat(parse("{\"ts\":0.0,\"fields\":{\"x\":1}}").elements().get(0).tsNanos()).isZero();
        // ordinary values are unchanged
        assertThat(parse("{\"ts\":1714564800123.456789,\"fields\":{\"x\":1}}").elements().get(0).tsNanos())
                .isEqualTo(1_714_564_800_123_456_789L);
        assertThat(parse("{\"ts\":1.714564800123E12,\"fields\":{\"x\":1}}").elements().get(0).tsNanos())
                .isEqualTo(1_714_564_800_123_000_000L);
    }

    @Test
    void hugeExponentsInFieldsAndSeq() {
        rejected("{\"fields\":{\"x\":1e200000000}}", RejectReason.INVALID_VALUE, "float64 range");
        rejected("{\"fields\":{\"x\":-1e401}}", RejectReason.INVALID_VALUE, "float64 range");
        rejected("{\"fields\":{\"x\":1e309}}", RejectReason.INVALID_VALUE, "float64 range");
        assertThat(parse("{\"fields\":{\"x\":1e-200000000}}").elements().get(0).fields()).containsEntry("x", 0.0);
        assertThat(parse("{\"fields\":{\"x\":1.5e300}}").elements().get(0).fields()).containsEntry("x", 1.5e300);
        rejected("{\"seq\":1e200000000,\"fields\":{\"x\":1}}", RejectReason.WRONG_TYPE, "'seq'");
        rejected("{\"seq\":1e-200000000,\"fields\":{\"x\":1}}", RejectReason.WRONG_TYPE, "'seq'");
        assertThat(parse("{\"seq\":4.2e1,\"fields\":{\"x\":1}}").elements().get(0).seq()).isEqualTo(42L);
    }

    @Test
    void numbersWithTooManyDigitsMakeTheMessageMalformed() {
        String digits = "9".repeat(TelemetryParser.MAX_NUMBER_LENGTH + 1);
        rejected("{\"fields\":{\"x\":" + digits + "}}", RejectReason.MALFORMED_JSON, "Number value length");
        rejected("{\"fields\":{\"x\":0." + digits + "}}", RejectReason.MALFORMED_JSON, "Number value length");
        rejected("{\"ts\":" + digits + ",\"fields\":{\"x\":1}}", RejectReason.MALFORMED_JSON, "Number value length");
        // a whole 200 KiB number: refused while reading, not converted
        rejected("{\"fields\":{\"x\":" + "1".repeat(200_000) + "}}", RejectReason.MALFORMED_JSON, "Number value length");
        // 100 digits are still fine (as floats)
        String ok = "1" + "0".repeat(TelemetryParser.MAX_NUMBER_LENGTH - 1);
        assertThat(parse("{\"fields\":{\"x\":" + ok + "}}").elements().get(0).fields()).containsEntry("x", 1e99);
        // an exponent BigDecimal cannot hold is malformed, not an internal error
        rejected("{\"fields\":{\"x\":1e-2147483648}}", RejectReason.MALFORMED_JSON, "");
    }

    @Test
    void deepNestingAndTooManyElementsAreRefusedWhole() {
        rejected("{\"fields\":{\"x\":" + "[".repeat(1000) + "]".repeat(1000) + "}}", RejectReason.MALFORMED_JSON, "depth");
        TelemetryParser few = new TelemetryParser(256 * 1024, 3, "telemetry");
        var r = few.parse("[{},{},{},{}]".getBytes(StandardCharsets.UTF_8), ID);
        assertThat(r.elements()).isEmpty();
        assertThat(r.rejected()).singleElement().satisfies(x -> {
            assertThat(x.reason()).isEqualTo(RejectReason.TOO_MANY_ELEMENTS);
            assertThat(x.detail()).contains("4 elements").contains("limit is 3");
        });
        assertThat(few.parse("[{},{},{}]".getBytes(StandardCharsets.UTF_8), ID).rejected()).hasSize(3);
    }

    @Test
    void timestampsOutsideThePlansWindowAreRefusedWithTheirOwnReason() {
        Instant now = Instant.parse("2026-11-30T12:00:00Z");
        TimeWindow w = TimeWindow.around(now, Duration.ofDays(7), Duration.ofMinutes(60));
        long nowMs = now.toEpochMilli();
        var r = parse("[{\"ts\":" + nowMs + ",\"fields\":{\"x\":1}},"
                + "{\"ts\":" + (nowMs + 3_600_000) + ",\"fields\":{\"x\":2}},"          // exactly the limit: kept
                + "{\"ts\":" + (nowMs + 3_600_001) + ",\"fields\":{\"x\":3}},"          // 1 ms beyond
                + "{\"ts\":\"2026-12-07T12:00:00Z\",\"fields\":{\"x\":4}},"            // a week ahead
                + "{\"ts\":\"2026-11-23T12:00:00Z\",\"fields\":{\"x\":5}},"            // exactly 7 days back: kept
                + "{\"ts\":\"2026-11-23T11:59:59.999Z\",\"fields\":{\"x\":6}},"
                + "{\"ts\":\"1990-01-01T00:00:00Z\",\"fields\":{\"x\":7}}]", w);
        assertThat(r.elements()).extracting(TelemetryElement::index).containsExactly(0, 1, 4);
        assertThat(r.rejected()).extracting(Rejection::reason).containsExactly(RejectReason.FUTURE_TIMESTAMP,
                RejectReason.FUTURE_TIMESTAMP, RejectReason.EXPIRED_TIMESTAMP, RejectReason.EXPIRED_TIMESTAMP);
        assertThat(r.rejected().get(0).detail()).contains("element 2").contains("60 minute(s) ahead");
        assertThat(r.rejected().get(3).detail()).contains("1990-01-01T00:00:00Z").contains("7 day(s) before");
        // 500 timestamps a week apart (the shard bomb): all but the present one refused
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 500; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"ts\":").append(nowMs + i * 7L * 86_400_000L).append(",\"fields\":{\"x\":1}}");
        }
        var bomb = parse(sb.append(']').toString(), w);
        assertThat(bomb.elements()).hasSize(1);
        assertThat(bomb.rejected()).hasSize(499).allSatisfy(x -> assertThat(x.reason()).isEqualTo(RejectReason.FUTURE_TIMESTAMP));
    }
}
