package io.tenantry.ingest.deadletter;

import io.tenantry.ingest.telemetry.RejectReason;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A message (or batch element, or point) that did not become stored points; one row of {@code dead_letters}
 * (db module, Flyway V1).
 *
 * @param receivedAt when ingest received the MQTT message
 * @param topic      the MQTT topic (truncated to 300 characters when stored)
 * @param tenantId   the tenant, when the topic's slug resolved to one; else null
 * @param reason     reason code
 * @param detail     explanation (truncated to 2000 characters when stored)
 * @param payload    the rejected bytes (see {@link io.tenantry.ingest.telemetry.Rejection#payload()})
 */
public record DeadLetter(Instant receivedAt, String topic, UUID tenantId, RejectReason reason, String detail,
                         byte[] payload) {
    public DeadLetter {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(reason, "reason");
        detail = detail == null ? "" : detail;
        payload = payload == null ? new byte[0] : payload;
    }
}
