package io.tenantry.ingest.telemetry;

import java.util.Objects;

/**
 * One rejected message or batch element, before it is stored as a dead letter.
 *
 * @param reason  why
 * @param detail  human-readable explanation (element index, field name, parser message)
 * @param payload the bytes kept in {@code dead_letters.payload}: the whole MQTT payload for message-level
 *                rejections (only its first {@code payload.max-size} bytes for {@link RejectReason#OVERSIZED}), the
 *                element's JSON for a bad element of a batch, the line-protocol line for
 *                {@link RejectReason#INFLUX_REJECTED}
 */
public record Rejection(RejectReason reason, String detail, byte[] payload) {
    public Rejection {
        Objects.requireNonNull(reason, "reason");
        detail = detail == null ? "" : detail;
        payload = payload == null ? new byte[0] : payload;
    }
}
