package io.tenantry.ingest.spool;

import io.tenantry.core.timeseries.Bucket;
import io.tenantry.ingest.metering.LineFields;

import java.util.Objects;
import java.util.UUID;

/**
 * One point waiting for InfluxDB: its line protocol, the bucket it goes to (the tenant's
 * {@code StoragePlacement.raw()}), and where it came from (kept so a point InfluxDB later refuses can still be
 * dead-lettered with its topic and tenant).
 * <p>
 * Issue 15: what metering needs of the line (its field count, timestamp and the end of its series key) travels
 * with it, filled in by whoever rendered the line ({@code MessageProcessor} knows them from the point), so
 * {@code UsageMeter} does not scan every line again. The short constructor (spool recovery, tests) derives them
 * from the line with {@link LineFields}, so both constructors give equal entries for the same line.
 *
 * @param tenantId       the tenant, or null
 * @param topic          the MQTT topic (no spaces or newlines: topics are {@code plc/<slug>/<plc_id>})
 * @param bucket         target bucket (database and retention policy)
 * @param line           one point in InfluxDB line protocol, without trailing newline (it may contain newlines
 *                       inside quoted string fields)
 * @param fieldValues    the number of fields in the line's field set ({@link LineFields#fieldCount})
 * @param timestampNanos the line's timestamp in ns since the epoch ({@link LineFields#timestampNanos};
 *                       {@link Long#MIN_VALUE} when it has none)
 * @param seriesEnd      index of the space that ends the series key ({@link LineFields#seriesEnd})
 */
public record SpoolEntry(UUID tenantId, String topic, Bucket bucket, String line, int fieldValues, long timestampNanos,
                         int seriesEnd) {
    public SpoolEntry {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(line, "line");
    }

    /** An entry whose metering facts are read from the line ({@link LineFields}). */
    public SpoolEntry(UUID tenantId, String topic, Bucket bucket, String line) {
        this(tenantId, topic, bucket, line, LineFields.fieldCount(Objects.requireNonNull(line, "line")),
                LineFields.timestampNanos(line), LineFields.seriesEnd(line));
    }
}
