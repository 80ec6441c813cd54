package io.tenantry.provisioning.outbox;

import io.tenantry.core.id.TenantId;

/**
 * What a handler is asked to apply: every pending entry of one ({@code kind}, {@code aggregateId}), folded into one.
 *
 * @param kind        e.g. {@link Outbox#BROKER_SYNC}
 * @param tenant      the tenant concerned, or null for platform-wide entries
 * @param aggregateId what to bring in step, e.g. an MQTT username
 * @param secret      the newest secret among the pending entries (opened), or null; e.g. a new MQTT password
 */
public record OutboxEntry(String kind, TenantId tenant, String aggregateId, String secret) {
    @Override
    public String toString() { // never print the secret
        return "OutboxEntry[" + kind + " " + aggregateId + (secret == null ? "" : " +secret") + "]";
    }
}
