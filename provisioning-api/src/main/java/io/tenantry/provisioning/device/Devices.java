package io.tenantry.provisioning.device;

import io.tenantry.core.error.NotFoundException;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.TenantId;
import org.jooq.DSLContext;

/**
 * What other provisioning features may ask of the device feature (credentials, telemetry). Implemented by
 * {@link DeviceManagement}; inject this interface.
 */
public interface Devices {
    /**
     * The device of {@code tenant}, read with {@code ctx}.
     *
     * @throws NotFoundException {@code provisioning:device.not-found} when absent or another tenant's (never 403,
     *                           so existence does not leak)
     */
    Device find(DSLContext ctx, TenantId tenant, DeviceId id);

    /**
     * Like {@link #find} and locks the device row ({@code FOR NO KEY UPDATE}) in {@code tx}, so concurrent changes
     * of this one device (e.g. two issuances of its credential) serialise.
     *
     * @throws io.tenantry.core.error.NotFoundException {@code provisioning:device.not-found}
     */
    Device lock(DSLContext tx, TenantId tenant, DeviceId id);

    /** Records the device's current MQTT login name (a legacy name moves to the new scheme when re-issued). */
    void setMqttUsername(DSLContext tx, DeviceId id, String username);
}
