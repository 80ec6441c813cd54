package io.tenantry.ingest.pipeline;

/** Acknowledges a message to the broker once its points and dead letters are durable. */
@FunctionalInterface
public interface Acker {
    /** Sends PUBACK for the envelope's message (when its connection is still the current one). */
    void ack(Envelope envelope);
}
