package io.tenantry.provisioning.outbox;

import java.util.List;

/**
 * Applies one kind of outbox entry to the system it keeps in step with PostgreSQL (the broker today; Grafana sync
 * or quota-driven broker blocking are further handlers). One Spring bean per {@link #kind()}; the
 * {@link OutboxProcessor} finds it by the entry's {@code kind} column.
 * <p>
 * Entries name <em>what</em> to bring in step (an aggregate), not what to do: a handler re-reads the desired state,
 * so applying an entry twice, late, or after a newer one is harmless.
 */
public interface OutboxHandler {
    /** The {@code outbox.kind} this handler applies, e.g. {@link Outbox#BROKER_SYNC}; unique among handlers. */
    String kind();

    /**
     * Brings {@code entry}'s aggregate to its desired state.
     *
     * @return the changes made, for the log (empty when the target already agreed)
     * @throws io.tenantry.core.error.UnavailableException when the target cannot be reached: processing pauses until
     *                                                     the next run
     * @throws RuntimeException                            anything else: this aggregate backs off (1 s doubling,
     *                                                     at most 16 s), the others go on
     */
    List<String> apply(OutboxEntry entry);
}
