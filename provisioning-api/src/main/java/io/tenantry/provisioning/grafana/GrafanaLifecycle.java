package io.tenantry.provisioning.grafana;

import io.tenantry.provisioning.outbox.Outbox;
import io.tenantry.provisioning.tenant.TenantCreated;
import io.tenantry.provisioning.tenant.TenantStatusChanged;
import org.springframework.context.event.EventListener;

/**
 * The Grafana organisation follows the tenant: creation and every lifecycle change queue a {@code grafana.sync}
 * outbox entry in the transaction of the change (applied after commit; see {@link GrafanaSyncHandler}). Device and
 * field changes reach Grafana through the {@link GrafanaReconciler} (new devices and fields → new dashboards/panels).
 */
public class GrafanaLifecycle {
    private final Outbox outbox;

    public GrafanaLifecycle(Outbox outbox) {
        this.outbox = outbox;
    }

    @EventListener
    void created(TenantCreated e) {
        outbox.enqueue(e.tx(), GrafanaSyncHandler.KIND, e.tenant(), GrafanaSyncHandler.aggregateId(e.tenant()), null);
    }

    @EventListener
    void statusChanged(TenantStatusChanged e) {
        outbox.enqueue(e.tx(), GrafanaSyncHandler.KIND, e.tenant(), GrafanaSyncHandler.aggregateId(e.tenant()), null);
    }
}
