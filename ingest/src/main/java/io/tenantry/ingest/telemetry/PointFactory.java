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
        TreeMap<String, String> tags = tags(element.tags(), identity, deviceType, deviceTags);
        checkFieldKeys(element.fields().keySet(), tags.keySet(), deviceTags);
        long ts = element.tsNanos() != null ? element.tsNanos() : receivedNanos;
        return new Point(TenantMeasurements.stored(identity.tenantId().value(), element.measurement()), tags, element.fields(), ts);
    }

    /**
     * A point's tags before {@link Point} drops empty ones: the device's tags, then the payload's, then the
     * reserved tags (see the class comment).
     */
    static TreeMap<String, String> tags(Map<String, String> elementTags, Identity identity, String deviceType,
                                        Map<String, String> deviceTags) {
        TreeMap<String, String> tags = new TreeMap<>();
        deviceTags.forEach((k, v) -> {
            if (!PlatformTags.ALL.contains(k)) {
                tags.put(k, v);
            }
        });
        elementTags.forEach((k, v) -> {
            if (!PlatformTags.ALL.contains(k)) {
                tags.put(k, v);
            }
        });
        tags.put(PlatformTags.TENANT, identity.tenantId().toString());
        tags.put(PlatformTags.DEVICE, identity.plcId().value());
        tags.put(PlatformTags.DEVICE_TYPE, deviceType);
        return tags;
    }

    /** @throws IllegalArgumentException when a field key is also a tag key of the point */
    static void checkFieldKeys(java.util.Collection<String> fieldKeys, java.util.Set<String> tagKeys,
                               Map<String, String> deviceTags) {
        for (String f : fieldKeys) {
            if (tagKeys.contains(f)) {
                throw new IllegalArgumentException("field key '" + f + "' is also a tag of the point (device tags: "
                        + deviceTags.keySet() + ")");
            }
        }
    }
}
