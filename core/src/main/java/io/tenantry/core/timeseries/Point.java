package io.tenantry.core.timeseries;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One InfluxDB point: a measurement, its tags, at least one field, and a timestamp in nanoseconds since the
 * Unix epoch (UTC). Tags are kept sorted by key, the order InfluxDB recommends for line protocol.
 *
 * @param measurement   measurement name, non-empty
 * @param tags          tag key → value; empty values are dropped (InfluxDB rejects them)
 * @param fields        field key → value; values are {@link Double}, {@link Long}, {@link Boolean} or {@link String};
 *                      kept in the given iteration order (InfluxDB does not need fields sorted)
 * @param timestampNanos nanoseconds since 1970-01-01T00:00:00Z
 * @throws IllegalArgumentException when the measurement is empty, there is no field, or a field has another type
 */
public record Point(String measurement, SortedMap<String, String> tags, Map<String, Object> fields, long timestampNanos) {
    public Point {
        if (measurement == null || measurement.isEmpty()) {
            throw new IllegalArgumentException("measurement must not be empty");
        }
        Objects.requireNonNull(fields, "fields");
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a point needs at least one field");
        }
        TreeMap<String, String> t = storedTags(tags);
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            if (f.getKey() == null || f.getKey().isEmpty()) {
                throw new IllegalArgumentException("field keys must not be empty");
            }
            Object v = f.getValue();
            if (!(v instanceof Double || v instanceof Long || v instanceof Boolean || v instanceof String)) {
                throw new IllegalArgumentException("field '" + f.getKey() + "' has unsupported type "
                        + (v == null ? "null" : v.getClass().getSimpleName()));
            }
        }
        tags = java.util.Collections.unmodifiableSortedMap(t);
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }

    /**
     * The tags a point keeps, sorted by key: entries with a null or empty key or value dropped (InfluxDB rejects
     * them). Also used by ingest's line renderer, which writes series keys without building a point.
     *
     * @param tags tag key → value, or null for none
     * @return a new mutable sorted map
     */
    public static TreeMap<String, String> storedTags(Map<String, String> tags) {
        TreeMap<String, String> t = new TreeMap<>();
        if (tags != null) {
            tags.forEach((k, v) -> {
                if (k != null && !k.isEmpty() && v != null && !v.isEmpty()) {
                    t.put(k, v);
                }
            });
        }
        return t;
    }
}
