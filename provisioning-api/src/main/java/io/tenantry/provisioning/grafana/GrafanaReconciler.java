package io.tenantry.provisioning.grafana;

import io.tenantry.core.error.UnavailableException;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.tenant.TenantStatus;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.tenantry.db.jooq.Tables.GRAFANA_ORGS;
import static io.tenantry.db.jooq.Tables.TENANTS;

/**
 * Compares every tenant's Grafana organisation with PostgreSQL and repairs the drift (organisation, data sources,
 * users' enabled state, folder, dashboard versions; and regenerates dashboards when devices or fields changed):
 * every non-terminated tenant, and terminated ones whose organisation is not yet recorded as removed. Runs every
 * {@code tenantry.grafana.reconcile-interval} and on demand ({@code POST /api/v1/admin/grafana/reconcile}).
 * A tenant whose sync fails is reported and the others go on; Grafana unreachable stops the run (next run retries).
 */
public class GrafanaReconciler {
    private static final Logger log = LoggerFactory.getLogger(GrafanaReconciler.class);
    private final DSLContext dsl;
    private final GrafanaSync sync;

    public GrafanaReconciler(DSLContext dsl, GrafanaSync sync) {
        this.dsl = dsl;
        this.sync = sync;
    }

    /**
     * What a run changed.
     *
     * @param drift    tenant slug → the changes made
     * @param problems tenants that could not be synced, with the reason
     */
    public record Report(Map<String, List<String>> drift, List<String> problems) {
    }

    /** Runs once over every tenant. */
    public synchronized Report reconcile() {
        Map<String, List<String>> drift = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        var removed = dsl.select(GRAFANA_ORGS.TENANT_ID).from(GRAFANA_ORGS).where(GRAFANA_ORGS.STATE.eq("REMOVED"))
                .fetchSet(GRAFANA_ORGS.TENANT_ID);
        var rows = dsl.select(TENANTS.ID, TENANTS.SLUG, TENANTS.STATUS).from(TENANTS).orderBy(TENANTS.CREATED_AT).fetch();
        for (var r : rows) {
            UUID id = r.value1();
            if (TenantStatus.valueOf(r.value3()) == TenantStatus.TERMINATED && removed.contains(id)) {
                continue;
            }
            try {
                List<String> changes = dsl.transactionResult(c -> sync.sync(TenantId.of(id)));
                if (!changes.isEmpty()) {
                    drift.put(r.value2(), changes);
                }
            } catch (UnavailableException e) {
                problems.add("Grafana unavailable: " + e.getMessage());
                break;
            } catch (RuntimeException e) {
                problems.add(r.value2() + ": " + e.getMessage());
            }
        }
        if (!drift.isEmpty() || !problems.isEmpty()) {
            log.info("grafana reconcile: drift {} problems {}", drift, problems);
        }
        return new Report(drift, problems);
    }
}
