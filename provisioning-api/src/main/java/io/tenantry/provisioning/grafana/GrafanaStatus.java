package io.tenantry.provisioning.grafana;

import io.tenantry.core.error.NotFoundException;
import io.tenantry.core.id.TenantId;
import org.jooq.DSLContext;

import java.util.List;

import static io.tenantry.db.jooq.Tables.GRAFANA_DASHBOARDS;
import static io.tenantry.db.jooq.Tables.GRAFANA_ORGS;

/** Reads what the platform recorded about a tenant's Grafana organisation (for the API and the demo). */
public class GrafanaStatus {
    private final DSLContext dsl;

    public GrafanaStatus(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * The organisation.
     *
     * @param orgId      Grafana's organisation id (null before the first sync or after removal)
     * @param state      ACTIVE, SUSPENDED, REMOVED
     * @param limitError the plan's dashboard limit refused these generated dashboards (null = none)
     * @param dashboards generated dashboards as last saved
     */
    public record View(Long orgId, String state, String limitError, List<Dashboard> dashboards) {
    }

    /**
     * A generated dashboard.
     *
     * @param version Grafana's version after our last save
     * @param edited  a tenant user saved a newer version: the generator leaves it alone
     */
    public record Dashboard(String uid, String title, String url, long version, boolean edited) {
    }

    /** @throws NotFoundException {@code grafana:org.not-found} before the first sync */
    public View view(TenantId tenant) {
        var org = dsl.selectFrom(GRAFANA_ORGS).where(GRAFANA_ORGS.TENANT_ID.eq(tenant.value())).fetchOne();
        if (org == null) {
            throw new NotFoundException("grafana:org.not-found", "tenant " + tenant + " has no Grafana organisation yet");
        }
        List<Dashboard> ds = dsl.selectFrom(GRAFANA_DASHBOARDS).where(GRAFANA_DASHBOARDS.TENANT_ID.eq(tenant.value()))
                .orderBy(GRAFANA_DASHBOARDS.UID)
                .fetch(r -> new Dashboard(r.getUid(), r.getTitle(), r.getUrl(), r.getGrafanaVersion(), r.getEdited()));
        return new View(org.getOrgId(), org.getState(), org.getLimitError(), ds);
    }

    /**
     * The {@code [auth.jwt] org_mapping} value for Grafana: {@code <tenant UUID>:<organisation id>:Viewer} for each
     * tenant with an organisation, space separated (the org's role then follows {@code role_attribute_path} where
     * Grafana applies it; see grafana/README.md, not verified against a real Grafana).
     */
    public String orgMapping() {
        return String.join(" ", dsl.select(GRAFANA_ORGS.TENANT_ID, GRAFANA_ORGS.ORG_ID).from(GRAFANA_ORGS)
                .where(GRAFANA_ORGS.STATE.ne("REMOVED")).and(GRAFANA_ORGS.ORG_ID.isNotNull())
                .orderBy(GRAFANA_ORGS.ORG_ID).fetch(r -> r.value1() + ":" + r.value2() + ":Viewer"));
    }
}
