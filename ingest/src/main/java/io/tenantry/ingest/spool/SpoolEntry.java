package io.tenantry.ingest.spool;

import java.util.Objects;
import java.util.UUID;

/**
 * One point waiting for InfluxDB: its line protocol plus where it came from (kept so a point InfluxDB later
 * refuses can still be dead-lettered with its topic and tenant).
 *
 * @param tenantId the tenant, or null
 * @param topic    the MQTT topic (no spaces or newlines: topics are {@code plc/<slug>/<plc_id>})
 * @param line     one point in InfluxDB line protocol, without trailing newline (it may contain newlines inside
 *                 quoted string fields)
 */
public record SpoolEntry(UUID tenantId, String topic, String line) {
    public SpoolEntry {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(line, "line");
    }
}
