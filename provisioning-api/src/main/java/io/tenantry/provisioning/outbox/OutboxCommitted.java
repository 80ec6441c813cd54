package io.tenantry.provisioning.outbox;

import java.util.Set;

/**
 * Published (once per transaction) right after a transaction that enqueued outbox entries has committed;
 * {@link OutboxProcessor} applies them on that event.
 *
 * @param keys what that transaction enqueued: ({@code kind}, aggregate id) pairs, in enqueue order
 */
public record OutboxCommitted(Set<OutboxProcessor.Key> keys) {
    public OutboxCommitted {
        keys = Set.copyOf(keys);
    }
}
