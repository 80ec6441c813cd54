package io.tenantry.provisioning.grafana;

import io.tenantry.core.error.UnavailableException;
import io.tenantry.core.id.TenantId;
import io.tenantry.provisioning.outbox.OutboxEntry;
import io.tenantry.provisioning.outbox.OutboxHandler;

import java.util.List;
import java.util.UUID;

/**
 * Outbox kind {@value #KIND}: brings one tenant's Grafana organisation in step ({@link GrafanaSync}); aggregate id
 * {@code grafana:<tenant UUID>}. Grafana being down never blocks the API (the entry was committed with the change
 * and is retried with the outbox's backoff) nor the other outbox kinds: an unreachable Grafana is reported as an
 * ordinary failure of this aggregate (it backs off, at most 16 s), not as {@link UnavailableException}, which
 * would pause the broker syncs queued behind it.
 */
public class GrafanaSyncHandler implements OutboxHandler {
    /** The outbox kind. */
    public static final String KIND = "grafana.sync";
    private final GrafanaSync sync;

    public GrafanaSyncHandler(GrafanaSync sync) {
        this.sync = sync;
    }

    /** The aggregate id of a tenant's organisation. */
    public static String aggregateId(TenantId tenant) {
        return "grafana:" + tenant.value();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public List<String> apply(OutboxEntry entry) {
        TenantId tenant = entry.tenant() != null ? entry.tenant()
                : new TenantId(UUID.fromString(entry.aggregateId().substring("grafana:".length())));
        try {
            return sync.sync(tenant);
        } catch (UnavailableException e) {
            throw new IllegalStateException("Grafana unavailable, will retry: " + e.getMessage(), e);
        }
    }
}
