package io.tenantry.edge;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One CSV row turned into telemetry.
 *
 * @param line      1-based line number where the row starts in the CSV file (the header is line 1; blank lines
 *                  right before the row are not counted)
 * @param timestamp the row's time, already converted to an instant (and rebased when asked)
 * @param fields    field name (the CSV header name, exactly) to value: {@link Double}, {@link Boolean} or
 *                  {@link String}; never empty; in column order; unmodifiable
 */
public record TelemetryRow(long line, Instant timestamp, Map<String, Object> fields) {
    public TelemetryRow {
        if (timestamp == null) {
            throw new IllegalArgumentException("timestamp is null");
        }
        if (fields == null || fields.isEmpty()) {
            throw new IllegalArgumentException("a telemetry row needs at least one field");
        }
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The same row at another time (used by rebase-to-now). */
    public TelemetryRow withTimestamp(Instant ts) {
        return new TelemetryRow(line, ts, fields);
    }
}
