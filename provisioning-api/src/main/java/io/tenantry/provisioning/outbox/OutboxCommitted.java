package io.tenantry.provisioning.outbox;

/**
 * Published (once per transaction) right after a transaction that enqueued outbox entries has committed;
 * {@link OutboxProcessor} applies them on that event.
 */
public record OutboxCommitted() {
}
