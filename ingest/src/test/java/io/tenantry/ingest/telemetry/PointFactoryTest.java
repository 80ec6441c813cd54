package io.tenantry.ingest.telemetry;

import io.tenantry.core.id.TenantSlug;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.Point;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PointFactoryTest {
    private static final UUID TENANT = UUID.fromString("7f3c2a9e-1b2c-4d5e-8f90-123456789abc");
    private static final Identity ID = new Identity(TenantId.of(TENANT), TenantSlug.of("planta-a"), PlcId.of("prensa1"));

    @Test
    void tagsComeFromDeviceThenPayloadAndReservedOnesFromTheServer() {
        TelemetryElement e = new TelemetryElement(0, "telemetry", Map.of("v", 1.0),
                Map.of("setor", "prensagem", "line", "L2"), 1_000L, null);
        Point p = PointFactory.toPoint(e, ID, "siemens_s7",
                Map.of("setor", "embalagem", "site", "sp", "locatario_id", "evil", "type", "evil"), 5L);
        assertThat(p.tags()).containsExactly(Map.entry("line", "L2"), Map.entry("locatario_id", TENANT.toString()),
                Map.entry("plc_id", "prensa1"), Map.entry("setor", "prensagem"), Map.entry("site", "sp"),
                Map.entry("type", "siemens_s7"));
        assertThat(p.timestampNanos()).isEqualTo(1_000L);
        assertThat(p.measurement()).isEqualTo(TENANT + ".telemetry");
        TelemetryElement noTs = new TelemetryElement(0, "telemetry", Map.of("v", 1.0), Map.of(), null, null);
        assertThat(PointFactory.toPoint(noTs, ID, "opcua", Map.of(), 5L).timestampNanos()).isEqualTo(5L);
    }

    @Test
    void fieldKeysWithSpacesCommasEqualsAndUnicodeAreEscaped() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Volume Flow RateRMS", 32.25);
        fields.put("a,b=c d", 1.0);
        fields.put("température°", -3.5);
        fields.put("note", "say \"hi\" \\ ok");
        fields.put("on", true);
        TelemetryElement e = new TelemetryElement(0, "skab data", fields, Map.of("zone name", "a=b,c"),
                1_714_564_800_123_456_789L, null);
        String line = LineProtocol.toLine(PointFactory.toPoint(e, ID, "modbus_tcp", Map.of(), 0L));
        assertThat(line).isEqualTo(TENANT + ".skab\\ data,locatario_id=" + TENANT + ",plc_id=prensa1,type=modbus_tcp,"
                + "zone\\ name=a\\=b\\,c "
                + "Volume\\ Flow\\ RateRMS=32.25,a\\,b\\=c\\ d=1.0,température°=-3.5,note=\"say \\\"hi\\\" \\\\ ok\",on=true "
                + "1714564800123456789"); // fields keep the payload's order
        assertThat(line.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(line.length()); // multi-byte kept
    }

    @Test
    void aFieldNamedLikeADeviceTagIsRefused() {
        TelemetryElement e = new TelemetryElement(0, "telemetry", Map.of("setor", 1.0), Map.of(), 1_000L, null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PointFactory.toPoint(e, ID, "opcua", Map.of("setor", "x"), 5L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("also a tag");
    }
}
