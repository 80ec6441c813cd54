package io.tenantry.ingest.telemetry;

import io.tenantry.core.timeseries.PlatformTags;
import io.tenantry.core.timeseries.Point;
import io.tenantry.core.timeseries.TenantMeasurements;

import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a validated {@link TelemetryElement} into the {@link Point} stored in {@code processo_raw}: tags are, in
 * increasing precedence, the device's own tags from PostgreSQL, the payload's tags, and the reserved tags
 * {@code locatario_id} (tenant UUID, design note 003 §5), {@code plc_id} and {@code type} (device type, note
 * 003 §3), which nothing from the payload can override. The measurement is stored in the tenant's namespace,
 * {@code <tenant uuid>.<measurement>} ({@link TenantMeasurements}), so no tenant shares field names or field types
 * with another.
 */
public final class PointFactory {
    private PointFactory() {
    }

    /**
     * Builds the point.
     *
     * @param element       the validated element
     * @param identity      tenant and device from the topic
     * @param deviceType    {@code devices.type}
     * @param deviceTags    {@code devices.tags} (reserved keys in it are ignored)
     * @param receivedNanos receive time in ns since the epoch, used when the element has no {@code ts}
     * @throws IllegalArgumentException when a field key equals a tag key of the point (InfluxQL could not tell
     *                                  them apart)
     */
    public static Point toPoint(TelemetryElement element, Identity identity, String deviceType,
                                Map<String, String> deviceTags, long receivedNanos) {
        TreeMap<String, String> tags = new TreeMap<>();
        deviceTags.forEach((k, v) -> {
            if (!PlatformTags.ALL.contains(k)) {
                tags.put(k, v);
            }
        });
        element.tags().forEach((k, v) -> {
            if (!PlatformTags.ALL.contains(k)) {
                tags.put(k, v);
            }
        });
        tags.put(PlatformTags.TENANT, identity.tenantId().toString());
        tags.put(PlatformTags.DEVICE, identity.plcId().value());
        tags.put(PlatformTags.DEVICE_TYPE, deviceType);
        for (String f : element.fields().keySet()) {
            if (tags.containsKey(f)) {
                throw new IllegalArgumentException("field key '" + f + "' is also a tag of the point (device tags: "
                        + deviceTags.keySet() + ")");
            }
        }
        long ts = element.tsNanos() != null ? element.tsNanos() : receivedNanos;
        return new Point(TenantMeasurements.stored(identity.tenantId().value(), element.measurement()), tags, element.fields(), ts);
    }
}
