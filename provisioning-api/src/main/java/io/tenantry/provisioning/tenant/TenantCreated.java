package io.tenantry.provisioning.tenant;

import io.tenantry.core.id.TenantId;
import org.jooq.DSLContext;

/**
 * Published (Spring application event, synchronously) inside the transaction that creates a tenant, after its row
 * is written and before commit; listeners act in {@code tx} (e.g. the grafana feature queues the tenant's Grafana
 * organisation in the outbox). What they throw rolls the creation back.
 *
 * @param tx     the transaction of the creation
 * @param tenant the new tenant
 */
public record TenantCreated(DSLContext tx, TenantId tenant) {
}
