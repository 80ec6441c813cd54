package io.tenantry.provisioning.device;

import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.TenantId;
import org.jooq.DSLContext;

/**
 * Published (Spring application event, synchronously) inside the transaction that changes what a device's MQTT login
 * may do, before commit; listeners act in {@code tx} and what they throw rolls the change back. The credential
 * feature listens: it deletes the device's login on {@link Kind#REMOVING} and queues the broker sync of the login.
 *
 * @param tx           the transaction of the change
 * @param mqttUsername the device's MQTT login name
 */
public record DeviceChanged(DSLContext tx, Kind kind, TenantId tenant, DeviceId device, String mqttUsername) {
    public enum Kind {
        /** The active flag flipped (deactivated devices' logins are disabled). */
        ACTIVE_CHANGED,
        /** The device row is about to be deleted (its login must go first). */
        REMOVING
    }
}
