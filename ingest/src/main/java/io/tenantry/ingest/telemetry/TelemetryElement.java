package io.tenantry.ingest.telemetry;

import java.util.Map;

/**
 * One valid telemetry object of a payload, checked against the topic's identity, before the device's data
 * from the directory is added (see {@link PointFactory}).
 *
 * @param index       position in the batch (0 for a single object)
 * @param measurement measurement name ({@code telemetry} unless the payload says otherwise)
 * @param fields      field key → {@link Double}, {@link Boolean} or {@link String}, in payload order; JSON
 *                    integers are Doubles too, so a field never changes type (docs/telemetry.md, "Fields")
 * @param tags        the payload's own tags, without the reserved keys {@code locatario_id}, {@code plc_id},
 *                    {@code type}
 * @param tsNanos     the payload's timestamp in ns since the epoch, or null when it has none (receive time is
 *                    used)
 * @param seq         the payload's sequence number, or null
 */
public record TelemetryElement(int index, String measurement, Map<String, Object> fields, Map<String, String> tags,
                               Long tsNanos, Long seq) {
}
