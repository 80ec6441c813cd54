package io.tenantry.ingest.telemetry;

import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.Point;
import io.tenantry.core.timeseries.TenantMeasurements;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Renders a validated {@link TelemetryElement} as one line of InfluxDB line protocol, exactly the line
 * {@code LineProtocol.toLine(PointFactory.toPoint(...))} gives (same tags, precedence, escaping and errors), without
 * building a {@link Point} (issue 15: ingest's CPU per point).
 * <p>
 * The series key ({@code <tenant uuid>.<measurement>,k=v,...}) of an element without payload tags depends only on
 * the device (its tags and type from the directory) and the measurement, so it is rendered once per device and
 * reused while those stay the same (compared on every use, so a directory change takes effect with the next point).
 * Elements with their own tags take the full path. The line is assembled in one reused buffer.
 * <p>
 * Memory: one cached series key per device seen (the cache is emptied beyond {@value #MAX_CACHED} devices).
 * Thread-safe (one lock; ingest calls it from the MQTT callback thread only).
 */
public final class LineRenderer {
    static final int MAX_CACHED = 100_000;

    /**
     * One rendered line and what metering needs of it.
     *
     * @param line      the line (no trailing newline)
     * @param seriesEnd index of the space that ends the series key
     * @param tsNanos   the point's timestamp
     */
    public record Rendered(String line, int seriesEnd, long tsNanos) {
    }

    private final StringBuilder buf = new StringBuilder(512);
    private final Map<UUID, Series> byDevice = new HashMap<>();

    /** A device's cached series key, valid for the inputs it was made from. */
    private record Series(String measurement, String deviceType, Map<String, String> deviceTags, UUID tenant,
                          String plcId, String key, Set<String> tagKeys) {
        boolean matches(String m, String type, Map<String, String> tags, Identity id) {
            return measurement.equals(m) && deviceType.equals(type) && tenant.equals(id.tenantId().value())
                    && plcId.equals(id.plcId().value()) && (deviceTags == tags || deviceTags.equals(tags));
        }
    }

    /**
     * @param element       the validated element
     * @param identity      tenant and device from the topic
     * @param deviceId      the device's id (cache key)
     * @param deviceType    {@code devices.type}
     * @param deviceTags    {@code devices.tags} (reserved keys in it are ignored)
     * @param receivedNanos receive time in ns since the epoch, used when the element has no {@code ts}
     * @throws IllegalArgumentException as {@link PointFactory#toPoint} and {@link LineProtocol#append}
     */
    public synchronized Rendered render(TelemetryElement element, Identity identity, UUID deviceId, String deviceType,
                                        Map<String, String> deviceTags, long receivedNanos) {
        // the order of the checks is PointFactory.toPoint's then LineProtocol.append's: field keys against the
        // tags, then names of the series key, then the fields
        String seriesKey;
        if (element.tags().isEmpty()) {
            Series s = byDevice.get(deviceId);
            if (s == null || !s.matches(element.measurement(), deviceType, deviceTags, identity)) {
                TreeMap<String, String> tags = PointFactory.tags(element.tags(), identity, deviceType, deviceTags);
                PointFactory.checkFieldKeys(element.fields().keySet(), tags.keySet(), deviceTags);
                s = new Series(element.measurement(), deviceType, deviceTags, identity.tenantId().value(),
                        identity.plcId().value(), seriesKey(identity, element.measurement(), tags), Set.copyOf(tags.keySet()));
                if (byDevice.size() >= MAX_CACHED) {
                    byDevice.clear();
                }
                byDevice.put(deviceId, s);
            } else {
                PointFactory.checkFieldKeys(element.fields().keySet(), s.tagKeys(), deviceTags);
            }
            seriesKey = s.key();
        } else {
            TreeMap<String, String> tags = PointFactory.tags(element.tags(), identity, deviceType, deviceTags);
            PointFactory.checkFieldKeys(element.fields().keySet(), tags.keySet(), deviceTags);
            seriesKey = seriesKey(identity, element.measurement(), tags);
        }
        long ts = element.tsNanos() != null ? element.tsNanos() : receivedNanos;
        StringBuilder b = buf;
        b.setLength(0);
        b.append(seriesKey).append(' ');
        LineProtocol.appendFieldsAndTimestamp(b, element.fields(), ts);
        String line = b.toString();
        if (b.length() > 4096) {
            b.setLength(0);
            b.trimToSize(); // a huge string field does not pin a huge buffer
            b.ensureCapacity(512);
        }
        return new Rendered(line, seriesKey.length(), ts);
    }

    /** The series key as {@link Point} and {@link LineProtocol#append} write it (empty tag values dropped). */
    private static String seriesKey(Identity identity, String measurement, TreeMap<String, String> tags) {
        StringBuilder sb = new StringBuilder(160);
        LineProtocol.appendSeriesKey(sb, TenantMeasurements.stored(identity.tenantId().value(), measurement),
                Point.storedTags(tags));
        return sb.toString();
    }
}
