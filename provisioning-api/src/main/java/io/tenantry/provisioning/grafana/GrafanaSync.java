package io.tenantry.provisioning.grafana;

import io.tenantry.adapters.grafana.GrafanaProvisioner;
import io.tenantry.adapters.grafana.GrafanaProvisioner.DashboardsResult;
import io.tenantry.adapters.grafana.GrafanaProvisioner.Outcome;
import io.tenantry.adapters.grafana.dashboard.DashboardGenerator;
import io.tenantry.core.gateway.QueryCredentialIssuer;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.db.jooq.tables.records.GrafanaDashboardsRecord;
import io.tenantry.db.jooq.tables.records.GrafanaOrgsRecord;
import io.tenantry.provisioning.tenant.Tenant;
import io.tenantry.provisioning.tenant.Tenants;
import org.jooq.DSLContext;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.tenantry.db.jooq.Tables.GRAFANA_DASHBOARDS;
import static io.tenantry.db.jooq.Tables.GRAFANA_ORGS;

/**
 * Brings one tenant's Grafana organisation to the state PostgreSQL describes (issue 14); re-reads everything, so
 * applying it twice, late or after a newer change is harmless. Used by the outbox handler (after tenant changes) and
 * the reconciler (drift, new devices and fields). The Grafana steps are {@link GrafanaProvisioner}'s; this class
 * decides them from the tenant's status and records the outcome ({@code grafana_orgs}, {@code grafana_dashboards}).
 * <ul>
 *   <li>ACTIVE: organisation {@code tn-<slug>}; data sources {@code processo_raw}, {@code processo},
 *       {@code processo_1m}, {@code platform_metrics} (InfluxDB, InfluxQL, proxy access, GET) pointing at the query
 *       gateway with the tenant's gateway credential ({@code issue(tenant, "grafana")}; a missing or changed data
 *       source gets a fresh credential and the old ones are revoked); users enabled; folder {@code tenantry};
 *       dashboards generated from the device model within the plan's dashboard limit.</li>
 *   <li>SUSPENDED: the organisation's users disabled and the gateway credential revoked (data sources stay and
 *       stop working); dashboards kept and still regenerated.</li>
 *   <li>TERMINATED: the organisation deleted (the platform exports a tenant's data before terminating it), the
 *       credential revoked, the organisation recorded as REMOVED.</li>
 * </ul>
 * A dashboard whose Grafana version moved past the one we saved was edited by a tenant user: it is kept as is and
 * marked {@code edited}. The plan's {@code max_dashboards} counts generated dashboards and the tenant's own: what
 * does not fit is not generated and {@code grafana_orgs.limit_error} says which and why.
 */
public class GrafanaSync {
    /** The credential use of the data sources ({@code locatario:<slug>:grafana}). */
    public static final String CREDENTIAL_USE = "grafana";
    /** PostgreSQL advisory lock serialising syncs (outbox handler and reconciler threads, API instances). */
    static final long LOCK_KEY = 0x7465_6e61_6772_6166L;

    private final DSLContext dsl;
    private final Tenants tenants;
    private final GrafanaProvisioner grafana;
    private final QueryCredentialIssuer issuer;
    private final DeviceModelReader models;
    private final Clock clock;

    public GrafanaSync(DSLContext dsl, Tenants tenants, GrafanaProvisioner grafana, QueryCredentialIssuer issuer,
                       Clock clock) {
        this.dsl = dsl;
        this.tenants = tenants;
        this.grafana = grafana;
        this.issuer = issuer;
        this.models = new DeviceModelReader(dsl);
        this.clock = clock;
    }

    /**
     * Syncs the tenant. Call inside a transaction (the outbox handler's, or the reconciler's per tenant).
     *
     * @return the changes made (empty when Grafana already agreed)
     * @throws io.tenantry.adapters.grafana.GrafanaException  Grafana refused a request
     * @throws io.tenantry.core.error.UnavailableException Grafana did not answer
     */
    public List<String> sync(TenantId id) {
        // one sync at a time (held to the end of the caller's transaction): a reconcile run and an outbox entry for
        // the same tenant would otherwise both create its organisation or save its dashboards
        dsl.execute("SELECT pg_advisory_xact_lock(?)", LOCK_KEY);
        Tenant t = tenants.find(dsl, id);
        String slug = t.slug().value();
        List<String> changes = new ArrayList<>();
        GrafanaOrgsRecord row = dsl.selectFrom(GRAFANA_ORGS).where(GRAFANA_ORGS.TENANT_ID.eq(id.value())).fetchOne();
        if (row == null) {
            row = dsl.newRecord(GRAFANA_ORGS);
            row.setTenantId(id.value());
            row.setState("ACTIVE");
        }
        if (t.status() == TenantStatus.TERMINATED) {
            grafana.removeOrg(slug, changes);
            if (!"REMOVED".equals(row.getState())) {
                issuer.revokeAll(id, CREDENTIAL_USE);
                changes.add("credential revoked");
                dsl.deleteFrom(GRAFANA_DASHBOARDS).where(GRAFANA_DASHBOARDS.TENANT_ID.eq(id.value())).execute();
            }
            row.setState("REMOVED");
            row.setCredentialUser(null);
            row.setOrgId(null);
            row.setSyncedAt(now());
            row.store();
            return changes;
        }
        long org = grafana.ensureOrg(slug, changes);
        row.setOrgId(org);
        boolean active = t.status() == TenantStatus.ACTIVE;
        if (active) {
            row.setCredentialUser(grafana.ensureDataSources(org, row.getCredentialUser(), () -> {
                issuer.revokeAll(id, CREDENTIAL_USE);
                QueryCredentialIssuer.Issued c = issuer.issue(id, CREDENTIAL_USE);
                return new GrafanaProvisioner.Credential(c.username(), c.secret());
            }, changes));
        } else if (row.getCredentialUser() != null || !"SUSPENDED".equals(row.getState())) {
            issuer.revokeAll(id, CREDENTIAL_USE);
            row.setCredentialUser(null);
            changes.add("credential revoked");
        }
        grafana.setUsersDisabled(org, !active, changes);
        row.setState(active ? "ACTIVE" : "SUSPENDED");
        grafana.ensureFolder(org, changes);
        Map<String, GrafanaDashboardsRecord> saved = dsl.selectFrom(GRAFANA_DASHBOARDS)
                .where(GRAFANA_DASHBOARDS.TENANT_ID.eq(id.value())).fetch().stream()
                .collect(Collectors.toMap(GrafanaDashboardsRecord::getUid, Function.identity()));
        DashboardsResult result = grafana.syncDashboards(org, models.read(t), uid -> {
            GrafanaDashboardsRecord r = saved.get(uid);
            return r == null ? null : new GrafanaProvisioner.Saved(r.getContentHash(), r.getGrafanaVersion(), r.getEdited());
        }, changes);
        for (Outcome o : result.outcomes()) {
            GrafanaDashboardsRecord r = saved.get(o.generated().uid());
            switch (o.action()) {
                case SAVED -> {
                    if (r == null) {
                        r = dsl.newRecord(GRAFANA_DASHBOARDS);
                        r.setTenantId(id.value());
                        r.setUid(o.generated().uid());
                    }
                    r.setTitle(o.generated().title());
                    r.setUrl(o.url());
                    r.setContentHash(o.contentHash());
                    r.setGeneratorVersion(DashboardGenerator.GENERATOR_VERSION);
                    r.setGrafanaVersion(o.version());
                    r.setEdited(false);
                    r.setSavedAt(now());
                    r.store();
                }
                case KEPT_EDITED -> {
                    if (!r.getEdited()) {
                        r.setEdited(true);
                        r.store();
                    }
                }
                default -> {
                }
            }
        }
        String err = result.limitError();
        row.setLimitError(err == null ? null : err.length() > 1000 ? err.substring(0, 1000) : err);
        row.setSyncedAt(now());
        row.store();
        return changes;
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }

}
