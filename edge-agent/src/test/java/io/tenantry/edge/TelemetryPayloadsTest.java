package io.tenantry.edge;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TelemetryPayloadsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static TelemetryRow row(String ts, Object... kv) {
        Map<String, Object> f = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            f.put((String) kv[i], kv[i + 1]);
        }
        return new TelemetryRow(2, Instant.parse(ts), f);
    }

    @Test
    void singleObjectForm() {
        byte[] json = TelemetryPayloads.encode(List.of(row("2020-03-09T10:14:33Z", "Volume Flow RateRMS", 32.0, "ok", true, "mode", "AUTO")),
                7, false, TimestampOutput.RFC3339);
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(
                "{\"ts\":\"2020-03-09T10:14:33Z\",\"fields\":{\"Volume Flow RateRMS\":32.0,\"ok\":true,\"mode\":\"AUTO\"},\"seq\":7}");
    }

    @Test
    void batchFormIsAnArrayWithConsecutiveSeqs() {
        byte[] json = TelemetryPayloads.encode(List.of(
                row("2020-03-09T10:14:33Z", "Current", 1.3302),
                row("2020-03-09T10:14:34.250Z", "Current", 1.35399, "Pressure", -0.273216),
                row("2020-03-09T10:14:35Z", "Current", 0.0000125)), 41, true, TimestampOutput.RFC3339);
        JsonNode a = JSON.readTree(json);
        assertThat(a.isArray()).isTrue();
        assertThat(a.size()).isEqualTo(3);
        assertThat(a.get(0).get("seq").asLong()).isEqualTo(41);
        assertThat(a.get(1).get("seq").asLong()).isEqualTo(42);
        assertThat(a.get(2).get("seq").asLong()).isEqualTo(43);
        assertThat(a.get(1).get("ts").asString()).isEqualTo("2020-03-09T10:14:34.250Z");
        assertThat(a.get(1).get("fields").get("Pressure").isNumber()).isTrue();
        assertThat(a.get(1).get("fields").get("Pressure").asDouble()).isEqualTo(-0.273216);
        assertThat(a.get(2).get("fields").get("Current").asDouble()).isEqualTo(0.0000125);
        for (JsonNode o : a) {
            assertThat(o.propertyNames()).containsExactly("ts", "fields", "seq");
        }
    }

    @Test
    void batchOfOneIsStillAnArray() {
        String json = new String(TelemetryPayloads.encode(List.of(row("2020-03-09T10:14:33Z", "v", 1.0)), 1, true,
                TimestampOutput.RFC3339), StandardCharsets.UTF_8);
        assertThat(json).startsWith("[{").endsWith("}]");
    }

    @Test
    void epochMillisOutput() {
        JsonNode o = JSON.readTree(TelemetryPayloads.encode(List.of(row("2020-03-09T10:14:33.123456Z", "v", 1.0)), 1, false,
                TimestampOutput.EPOCH_MS));
        assertThat(o.get("ts").isIntegralNumber()).isTrue();
        assertThat(o.get("ts").asLong()).isEqualTo(1583748873123L);
    }

    @Test
    void largeBatchesAreSplitIntoConsecutiveMessagesThatFit() {
        java.util.List<TelemetryRow> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(row("2020-03-09T10:14:33Z", "Volume Flow RateRMS", 32.0 + i, "note", "x".repeat(40)));
        }
        int whole = TelemetryPayloads.encode(rows, 1, true, TimestampOutput.RFC3339).length;
        List<TelemetryPayloads.Message> one = TelemetryPayloads.encodeWithin(rows, 1, true, TimestampOutput.RFC3339, whole);
        assertThat(one).hasSize(1);
        List<TelemetryPayloads.Message> parts = TelemetryPayloads.encodeWithin(rows, 11, true, TimestampOutput.RFC3339, whole / 3);
        assertThat(parts).hasSizeGreaterThan(3).allSatisfy(m -> assertThat(m.payload().length).isLessThanOrEqualTo(whole / 3));
        assertThat(parts.stream().mapToInt(TelemetryPayloads.Message::rows).sum()).isEqualTo(100);
        long next = 11;
        for (TelemetryPayloads.Message m : parts) {
            assertThat(m.firstSeq()).isEqualTo(next);
            JsonNode a = JSON.readTree(m.payload());
            assertThat(a.isArray()).isTrue();
            assertThat(a.get(0).get("seq").asLong()).isEqualTo(next);
            next += m.rows();
        }
        // a single row larger than the limit still goes out alone
        assertThat(TelemetryPayloads.encodeWithin(rows.subList(0, 1), 5, false, TimestampOutput.RFC3339, 10)).hasSize(1);
    }

    @Test
    void misuse() {
        assertThatThrownBy(() -> TelemetryPayloads.encode(List.of(), 1, true, TimestampOutput.RFC3339))
                .isInstanceOf(IllegalArgumentException.class);
        TelemetryRow r = row("2020-03-09T10:14:33Z", "v", 1.0);
        assertThatThrownBy(() -> TelemetryPayloads.encode(List.of(r, r), 1, false, TimestampOutput.RFC3339))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TelemetryRow(1, Instant.EPOCH, Map.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
