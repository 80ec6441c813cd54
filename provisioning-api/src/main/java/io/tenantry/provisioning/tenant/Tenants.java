package io.tenantry.provisioning.tenant;

import io.tenantry.core.error.LimitExceededException;
import io.tenantry.core.error.NotFoundException;
import io.tenantry.core.id.TenantId;
import org.jooq.DSLContext;

/**
 * What other provisioning features may ask of the tenant feature (devices and credentials check the tenant's
 * status and plan inside their own transaction). Implemented by {@link TenantManagement}; inject this interface.
 */
public interface Tenants {
    /**
     * The tenant, read with {@code ctx} (a transaction or the plain context).
     *
     * @throws NotFoundException {@code provisioning:tenant.not-found}
     */
    Tenant find(DSLContext ctx, TenantId id);

    /**
     * Reads and locks the tenant row (SELECT … FOR UPDATE) in {@code tx}, so concurrent changes to the tenant and
     * its devices and credentials serialise.
     *
     * @throws NotFoundException {@code provisioning:tenant.not-found}
     */
    Tenant lock(DSLContext tx, TenantId id);

    /**
     * Reads the tenant and locks its row {@code FOR NO KEY UPDATE} in {@code tx}: device creations of one tenant
     * serialise on it (the plan's device limit, {@link #requireDeviceCapacity}) and wait for a status or plan change
     * ({@link #lock}); credential issuance ({@link #lockAgainstChanges}) and foreign-key checks of rows referring
     * to the tenant do not wait for it (issue 15: per-tenant serialisation only where an invariant needs it).
     *
     * @throws NotFoundException {@code provisioning:tenant.not-found}
     */
    Tenant lockForNewDevice(DSLContext tx, TenantId id);

    /**
     * Reads the tenant and locks its row {@code FOR KEY SHARE} in {@code tx}: its status and plan cannot change
     * ({@link #lock} waits) until {@code tx} ends, but other writers of the tenant's devices and credentials are not
     * blocked (issue 15: a credential needs a usable tenant, not exclusive access to it).
     *
     * @throws NotFoundException {@code provisioning:tenant.not-found}
     */
    Tenant lockAgainstChanges(DSLContext tx, TenantId id);

    /**
     * Checks the plan's device limit (design note 003 §7) for the tenant's current devices plus {@code adding}.
     * Call with the tenant locked ({@link #lock} or {@link #lockForNewDevice}) so concurrent creations cannot both
     * pass.
     *
     * @throws LimitExceededException {@code provisioning:plan.device-limit}, naming the plan and its limit
     */
    void requireDeviceCapacity(DSLContext tx, TenantId tenant, String planCode, int adding);
}
