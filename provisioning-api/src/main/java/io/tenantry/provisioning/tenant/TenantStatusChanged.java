package io.tenantry.provisioning.tenant;

import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.core.id.TenantId;
import org.jooq.DSLContext;

/**
 * Published (Spring application event, synchronously) inside the transaction that moves a tenant through its
 * lifecycle, after the new status is written and before commit. Listeners act in {@code tx}; what they throw rolls
 * the change back. The credential feature listens: on TERMINATED it deletes the tenant's logins, and it queues the
 * broker sync of each login.
 *
 * @param tx     the transaction of the change
 * @param tenant the tenant
 * @param from   the status before
 * @param to     the status now
 */
public record TenantStatusChanged(DSLContext tx, TenantId tenant, TenantStatus from, TenantStatus to) {
}
