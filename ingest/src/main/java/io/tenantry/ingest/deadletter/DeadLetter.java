package io.tenantry.ingest.deadletter;

import io.tenantry.ingest.telemetry.RejectReason;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One row of {@code dead_letters} (db module, Flyway V1; counts since V4): what one MQTT message (or the part of
 * it InfluxDB refused) did not store. Since issue 8 a message makes at most one row however many of its elements
 * are bad ({@link DeadLetters#ofMessage}); the row counts them.
 *
 * @param receivedAt       when ingest received the MQTT message
 * @param topic            the MQTT topic (truncated to 300 characters when stored)
 * @param tenantId         the tenant, when the topic's slug resolved to one; else null
 * @param reason           reason code (the most frequent one when the elements were refused for several reasons;
 *                         the detail lists them all)
 * @param detail           explanation (truncated to 2000 characters when stored)
 * @param payload          the rejected bytes (see {@link DeadLetters})
 * @param elementsRejected how many elements (or points) of the message this row stands for, ≥ 1
 * @param elementsTotal    how many elements the message held (1 for a single object or an unparsable message)
 */
public record DeadLetter(Instant receivedAt, String topic, UUID tenantId, RejectReason reason, String detail,
                         byte[] payload, int elementsRejected, int elementsTotal) {
    public DeadLetter {
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(reason, "reason");
        detail = detail == null ? "" : detail;
        payload = payload == null ? new byte[0] : payload;
        elementsRejected = Math.max(1, elementsRejected);
        elementsTotal = Math.max(elementsRejected, elementsTotal);
    }

    /** A row for one whole message (or one element): counts 1 of 1. */
    public DeadLetter(Instant receivedAt, String topic, UUID tenantId, RejectReason reason, String detail, byte[] payload) {
        this(receivedAt, topic, tenantId, reason, detail, payload, 1, 1);
    }

    /** A copy with another detail (e.g. a note about suppressed letters). */
    public DeadLetter withDetail(String newDetail) {
        return new DeadLetter(receivedAt, topic, tenantId, reason, newDetail, payload, elementsRejected, elementsTotal);
    }
}
