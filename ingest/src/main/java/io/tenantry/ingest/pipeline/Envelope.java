package io.tenantry.ingest.pipeline;

import io.tenantry.ingest.deadletter.DeadLetter;
import io.tenantry.ingest.spool.SpoolEntry;

import java.time.Instant;
import java.util.List;

/**
 * One MQTT message after parsing, on its way from the MQTT callback to the writer: its points, its dead
 * letters, and what is needed to acknowledge it once both are durable.
 *
 * @param topic         MQTT topic
 * @param messageId     MQTT packet identifier (0 for QoS 0)
 * @param qos           QoS the message was delivered with (0 or 1)
 * @param generation    the broker connection it arrived on; acknowledgements for an older connection are not
 *                      sent (the broker redelivers on the new one instead)
 * @param receivedAt    receive time
 * @param enqueuedNanos {@link System#nanoTime()} when it was put in the queue (batch age)
 * @param tenantTag     tenant slug for metrics, {@code unknown} when the slug is not a tenant
 * @param points        points in line protocol
 * @param deadLetters   rejections of the message or of some of its elements
 * @param duplicates    elements dropped as repeated seq
 * @param order         arrival order, assigned by {@link EnvelopeQueue#put} (0, 1, 2, …): acknowledgements are sent
 *                      in this order (MQTT v5 §4.6 [MQTT-4.6.0-2]) although the queue hands messages out
 *                      round-robin across tenants
 */
public record Envelope(String topic, int messageId, int qos, long generation, Instant receivedAt, long enqueuedNanos,
                       String tenantTag, List<SpoolEntry> points, List<DeadLetter> deadLetters, int duplicates, long order) {
    public Envelope {
        points = List.copyOf(points);
        deadLetters = List.copyOf(deadLetters);
    }

    /** An envelope not yet queued (order 0 until {@link EnvelopeQueue#put} assigns one). */
    public Envelope(String topic, int messageId, int qos, long generation, Instant receivedAt, long enqueuedNanos,
                    String tenantTag, List<SpoolEntry> points, List<DeadLetter> deadLetters, int duplicates) {
        this(topic, messageId, qos, generation, receivedAt, enqueuedNanos, tenantTag, points, deadLetters, duplicates, 0L);
    }

    /** Queue weight: its points, at least 1 so messages without points still count. */
    public int weight() {
        return Math.max(1, points.size());
    }

    /** A copy stamped with the time it enters the queue. */
    public Envelope enqueuedAt(long nanos) {
        return new Envelope(topic, messageId, qos, generation, receivedAt, nanos, tenantTag, points, deadLetters, duplicates, order);
    }

    /** A copy stamped with the time it enters the queue and its arrival order. */
    Envelope enqueued(long nanos, long arrivalOrder) {
        return new Envelope(topic, messageId, qos, generation, receivedAt, nanos, tenantTag, points, deadLetters, duplicates,
                arrivalOrder);
    }
}
