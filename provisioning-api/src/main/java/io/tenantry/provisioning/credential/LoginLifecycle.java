package io.tenantry.provisioning.credential;

import io.tenantry.provisioning.device.DeviceChanged;
import io.tenantry.provisioning.outbox.Outbox;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.provisioning.tenant.TenantStatusChanged;
import org.jooq.DSLContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.List;

import static io.tenantry.db.jooq.Tables.MQTT_CREDENTIALS;

/**
 * MQTT logins follow their tenant's and device's lifecycle, in the transaction of the change (the events are
 * published synchronously before commit): the credential feature owns {@code mqtt_credentials}, so the tenant and
 * device features announce the change instead of editing that table. Each affected login gets a broker sync in the
 * outbox, which re-reads the desired state (disabled, enabled or gone) after commit.
 */
@Component
class LoginLifecycle {
    private final Outbox outbox;

    LoginLifecycle(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Suspend, activate: every login of the tenant is synced; terminate: they are deleted first. */
    @EventListener
    void tenantStatusChanged(TenantStatusChanged e) {
        DSLContext tx = e.tx();
        List<String> usernames = tx.select(MQTT_CREDENTIALS.USERNAME).from(MQTT_CREDENTIALS)
                .where(MQTT_CREDENTIALS.TENANT_ID.eq(e.tenant().value())).fetch(MQTT_CREDENTIALS.USERNAME);
        if (e.to() == TenantStatus.TERMINATED) {
            tx.deleteFrom(MQTT_CREDENTIALS).where(MQTT_CREDENTIALS.TENANT_ID.eq(e.tenant().value())).execute();
        }
        for (String u : usernames) {
            outbox.enqueueBrokerSync(tx, e.tenant(), u, null);
        }
    }

    /** Activation flipped: the login (if issued) is synced; removal: the login row is deleted, then synced away. */
    @EventListener
    void deviceChanged(DeviceChanged e) {
        DSLContext tx = e.tx();
        switch (e.kind()) {
            case ACTIVE_CHANGED -> {
                if (tx.fetchExists(MQTT_CREDENTIALS, MQTT_CREDENTIALS.USERNAME.eq(e.mqttUsername()))) {
                    outbox.enqueueBrokerSync(tx, e.tenant(), e.mqttUsername(), null);
                }
            }
            case REMOVING -> {
                tx.deleteFrom(MQTT_CREDENTIALS).where(MQTT_CREDENTIALS.DEVICE_ID.eq(e.device().value())).execute();
                outbox.enqueueBrokerSync(tx, e.tenant(), e.mqttUsername(), null);
            }
        }
    }
}
