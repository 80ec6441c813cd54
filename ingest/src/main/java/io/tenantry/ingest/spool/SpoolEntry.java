package io.tenantry.ingest.spool;

import io.tenantry.core.timeseries.Bucket;

import java.util.Objects;
import java.util.UUID;

/**
 * One point waiting for InfluxDB: its line protocol, the bucket it goes to (the tenant's
 * {@code StoragePlacement.raw()}), and where it came from (kept so a point InfluxDB later refuses can still be
 * dead-lettered with its topic and tenant).
 *
 * @param tenantId the tenant, or null
 * @param topic    the MQTT topic (no spaces or newlines: topics are {@code plc/<slug>/<plc_id>})
 * @param bucket   target bucket (database and retention policy)
 * @param line     one point in InfluxDB line protocol, without trailing newline (it may contain newlines inside
 *                 quoted string fields)
 */
public record SpoolEntry(UUID tenantId, String topic, Bucket bucket, String line) {
    public SpoolEntry {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(line, "line");
    }
}
