package io.tenantry.ingest.telemetry;

import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.TenantSlug;
import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.ingest.metering.LineFields;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link LineRenderer} gives exactly the line of {@code LineProtocol.toLine(PointFactory.toPoint(..))} (the path it
 * replaces, whose escaping {@code LineProtocolInfluxIT} proves against InfluxDB), the same errors, and the metering
 * facts {@link LineFields} would read from the line; its per-device series key follows directory changes.
 */
class LineRendererTest {
    private static final UUID TENANT = UUID.fromString("7f3c2a9e-1b2c-4d5e-8f90-123456789abc");
    private static final UUID DEVICE = UUID.fromString("00000000-0000-0000-0000-0000000000d1");
    private static final Identity ID = new Identity(TenantId.of(TENANT), TenantSlug.of("planta-a"), PlcId.of("prensa1"));

    private static String reference(TelemetryElement e, String type, Map<String, String> deviceTags, long received) {
        return LineProtocol.toLine(PointFactory.toPoint(e, ID, type, deviceTags, received));
    }

    private static void assertSame(LineRenderer r, TelemetryElement e, String type, Map<String, String> deviceTags, long received) {
        LineRenderer.Rendered got = r.render(e, ID, DEVICE, type, deviceTags, received);
        String want = reference(e, type, deviceTags, received);
        assertThat(got.line()).isEqualTo(want);
        assertThat(got.seriesEnd()).isEqualTo(LineFields.seriesEnd(want));
        assertThat(got.tsNanos()).isEqualTo(LineFields.timestampNanos(want));
        assertThat(e.fields().size()).isEqualTo(LineFields.fieldCount(want));
    }

    @Test
    void rendersTheSameLinesAsPointFactoryAndLineProtocol() {
        LineRenderer r = new LineRenderer();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("Volume Flow RateRMS", 32.25);
        fields.put("a,b=c d", 1.0);
        fields.put("on", true);
        fields.put("txt", "say \"hi\" \\ back,\nnext=line");
        fields.put("big", 1.0e300);
        fields.put("neg", -0.0);
        fields.put("tiny", 4.9e-324);
        fields.put("çã", 12345678901234.0);
        Map<String, String> deviceTags = Map.of("setor", "embalagem", "site", "s p,x=y", "locatario_id", "evil",
                "type", "evil", "empty", "");
        List<TelemetryElement> elements = new ArrayList<>();
        elements.add(new TelemetryElement(0, "telemetry", fields, Map.of(), 1_000L, null));
        elements.add(new TelemetryElement(1, "telemetry", fields, Map.of(), null, 7L));
        elements.add(new TelemetryElement(2, "m one,two", Map.of("v", 1.5), Map.of(), 2_000L, null));
        elements.add(new TelemetryElement(3, "telemetry", Map.of("v", 2.5), Map.of("setor", "prensagem", "line", "L 2"), 3_000L, null));
        elements.add(new TelemetryElement(4, "telemetry", Map.of("v", 3.5), Map.of(), 4_000L, null));
        for (int round = 0; round < 2; round++) { // the second round is served from the cached series keys
            for (TelemetryElement e : elements) {
                assertSame(r, e, "siemens_s7", deviceTags, 5L + e.index());
            }
        }
    }

    @Test
    void aChangedDeviceTypeOrTagsChangesTheSeriesKeyAtOnce() {
        LineRenderer r = new LineRenderer();
        TelemetryElement e = new TelemetryElement(0, "telemetry", Map.of("v", 1.0), Map.of(), 1_000L, null);
        assertSame(r, e, "opcua", Map.of("site", "sp"), 0L);
        assertSame(r, e, "modbus_tcp", Map.of("site", "sp"), 0L);
        assertSame(r, e, "modbus_tcp", Map.of("site", "rj"), 0L);
        assertSame(r, e, "modbus_tcp", Map.of(), 0L);
    }

    @Test
    void refusesWhatPointFactoryAndLineProtocolRefuseWithTheSameMessage() {
        LineRenderer r = new LineRenderer();
        TelemetryElement clash = new TelemetryElement(0, "telemetry", Map.of("site", 1.0), Map.of(), 1_000L, null);
        Map<String, String> tags = Map.of("site", "sp");
        for (int i = 0; i < 2; i++) { // uncached, then with the device's series key cached by another element
            assertThatThrownBy(() -> r.render(clash, ID, DEVICE, "opcua", tags, 0L))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(catchMessage(() -> reference(clash, "opcua", tags, 0L)));
            r.render(new TelemetryElement(0, "telemetry", Map.of("v", 1.0), Map.of(), 1L, null), ID, DEVICE, "opcua", tags, 0L);
        }
        TelemetryElement nan = new TelemetryElement(0, "telemetry", Map.of("v", Double.NaN), Map.of(), 1_000L, null);
        assertThatThrownBy(() -> r.render(nan, ID, DEVICE, "opcua", tags, 0L))
                .hasMessage(catchMessage(() -> reference(nan, "opcua", tags, 0L)));
        Map<String, String> badTag = Map.of("site", "a\\b");
        TelemetryElement ok = new TelemetryElement(0, "telemetry", Map.of("v", 1.0), Map.of(), 1_000L, null);
        assertThatThrownBy(() -> r.render(ok, ID, DEVICE, "opcua", badTag, 0L))
                .hasMessage(catchMessage(() -> reference(ok, "opcua", badTag, 0L)));
        // the refused series key was not cached: a good one for the same device still renders
        assertSame(r, ok, "opcua", tags, 0L);
    }

    private static String catchMessage(Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("the reference path accepted it");
    }
}
