package io.tenantry.provisioning;

import io.tenantry.adapters.grafana.GrafanaClient;
import io.tenantry.core.id.TenantId;
import io.tenantry.testsupport.grafana.GrafanaStub;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.tenantry.db.jooq.Tables.OUTBOX;
import static io.tenantry.db.jooq.Tables.TENANT_FIELD_KEYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14: the tenant's lifecycle drives its Grafana organisation (in {@link GrafanaStub}, which refuses requests
 * off Grafana's documented API), dashboards are generated from the device model and never overwrite a tenant's
 * edit, the plan's dashboard limit holds, drift is repaired, and Grafana being down never blocks the API.
 */
class GrafanaIT extends ProvisioningTestBase {
    static final JsonMapper JSON = JsonMapper.builder().build();
    @Autowired
    DSLContext dsl;
    @Autowired
    QueryCredentialProbe credentials;

    @AfterEach
    void grafanaUp() {
        GRAFANA.setDown(false);
    }

    GrafanaStub.Org org(String slug) {
        return GRAFANA.org("tn-" + slug);
    }

    void fieldKeys(String tenant, String... keys) {
        for (String k : keys) {
            dsl.insertInto(TENANT_FIELD_KEYS).set(TENANT_FIELD_KEYS.TENANT_ID, UUID.fromString(tenant))
                    .set(TENANT_FIELD_KEYS.FIELD_KEY, k).set(TENANT_FIELD_KEYS.FIRST_SEEN_AT, OffsetDateTime.now())
                    .onConflictDoNothing().execute();
        }
    }

    Map<String, Object> reconcile() {
        return post(adminToken(), "/api/v1/admin/grafana/reconcile", null, 200);
    }

    Map<String, Object> device(String tenant, String plcId, String type) {
        return post(token("owner", tenant), "/api/v1/tenants/" + tenant + "/devices",
                Map.of("plcId", plcId, "type", type, "tags", Map.of()), 201);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTenantsLifecycleDrivesItsOrganisation() {
        String slug = slug("graf");
        String t = createTenant(slug, "PRO");
        TenantId tid = TenantId.parse(t);
        await().atMost(Duration.ofSeconds(20)).until(() -> org(slug) != null && org(slug).dataSources.size() == 4);
        GrafanaStub.Org org = org(slug);
        assertThat(org.dataSources.keySet()).containsExactlyInAnyOrder("tn-processo_raw", "tn-processo",
                "tn-processo_1m", "tn-platform_metrics");
        String user = credentials.liveUsers(tid).iterator().next();
        assertThat(credentials.liveUsers(tid)).hasSize(1);
        for (JsonNode ds : org.dataSources.values()) {
            assertThat(ds.get("type").asString()).isEqualTo("influxdb");
            assertThat(ds.get("url").asString()).as("the gateway, never InfluxDB").isEqualTo("http://127.0.0.1:" + System.getenv().getOrDefault("TENANTRY_GATEWAY_PORT", "18085"));
            assertThat(ds.get("database").asString() + ds.at("/jsonData/dbName").asString())
                    .isEqualTo(ds.get("name").asString());
            assertThat(ds.get("user").asString()).isEqualTo(user);
            assertThat(credentials.works(user, GRAFANA.dataSourceSecret("tn-" + slug, ds.get("uid").asString()))).isTrue();
        }
        assertThat(org.folders).containsKey("tenantry");
        assertThat(org.dashboards).containsOnlyKeys("tn-overview");

        device(t, "press-1", "siemens_s7");
        device(t, "pump-1", "modbus_tcp");
        fieldKeys(t, "Pressure", "Temperature");
        reconcile();
        assertThat(org.dashboards).containsOnlyKeys("tn-overview", "tn-type-siemens_s7", "tn-type-modbus_tcp");
        assertThat(org.dashboards.get("tn-type-siemens_s7").at("/dashboard/panels")).hasSize(2);
        Map<String, Object> view = get(token("viewer", t), "/api/v1/tenants/" + t + "/grafana", 200);
        assertThat((List<Map<String, Object>>) view.get("dashboards")).extracting(d -> (String) d.get("url"))
                .allMatch(u -> u.startsWith(GRAFANA.url() + "/d/tn-"));
        // another tenant's users see nothing of it
        String other = createTenant(slug("graf-other"), "FREE");
        get(token("owner", other), "/api/v1/tenants/" + t + "/grafana", 404);

        long alice = GRAFANA.signInUser("tn-" + slug, "alice-" + slug, "Editor");
        post(adminToken(), "/api/v1/tenants/" + t + "/suspend", null, 200);
        await().atMost(Duration.ofSeconds(20)).until(() -> GRAFANA.user("alice-" + slug).disabled);
        assertThat(credentials.liveUsers(tid)).as("gateway credential revoked").isEmpty();
        assertThat(GRAFANA.user("tenantry-provisioner").disabled).as("the provisioning user stays").isFalse();

        post(adminToken(), "/api/v1/tenants/" + t + "/activate", null, 200);
        await().atMost(Duration.ofSeconds(20)).until(() -> !GRAFANA.user("alice-" + slug).disabled);
        String fresh = credentials.liveUsers(tid).iterator().next();
        assertThat(fresh).isNotEqualTo(user);
        assertThat(credentials.works(fresh, GRAFANA.dataSourceSecret("tn-" + slug, "tn-processo"))).isTrue();
        assertThat(alice).isPositive();

        post(adminToken(), "/api/v1/tenants/" + t + "/terminate", null, 200);
        await().atMost(Duration.ofSeconds(20)).until(() -> org(slug) == null);
        assertThat(credentials.liveUsers(tid)).isEmpty();
        assertThat(get(adminToken(), "/api/v1/tenants/" + t + "/grafana", 200).get("state")).isEqualTo("REMOVED");
        assertThat(GRAFANA.violations()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void newFieldsAddPanelsButATenantsEditIsNeverOverwritten() {
        String slug = slug("grafed");
        String t = createTenant(slug, "PRO");
        device(t, "press-1", "siemens_s7");
        fieldKeys(t, "Pressure");
        reconcile();
        await().atMost(Duration.ofSeconds(20)).until(() -> org(slug) != null && org(slug).dashboards.containsKey("tn-type-siemens_s7"));
        fieldKeys(t, "Voltage");
        reconcile();
        JsonNode s7 = org(slug).dashboards.get("tn-type-siemens_s7").get("dashboard");
        assertThat(s7.get("panels")).hasSize(2);
        assertThat(s7.get("version").asLong()).isEqualTo(2);

        GRAFANA.userEditsDashboard("tn-" + slug, "tn-type-siemens_s7", "our own layout");
        fieldKeys(t, "Current");
        Map<String, Object> report = reconcile();
        assertThat(String.valueOf(((Map<String, Object>) report.get("drift")).get(slug))).contains("kept tn-type-siemens_s7");
        s7 = org(slug).dashboards.get("tn-type-siemens_s7").get("dashboard");
        assertThat(s7.get("title").asString()).isEqualTo("our own layout");
        assertThat(s7.get("panels")).hasSize(2);
        List<Map<String, Object>> ds = (List<Map<String, Object>>) get(token("owner", t), "/api/v1/tenants/" + t + "/grafana", 200).get("dashboards");
        assertThat(ds).filteredOn(d -> d.get("uid").equals("tn-type-siemens_s7")).singleElement()
                .satisfies(d -> assertThat(d.get("edited")).isEqualTo(true));
        // the overview (not edited) still follows the model
        assertThat(org(slug).dashboards.get("tn-overview").at("/dashboard/version").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(GRAFANA.violations()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void driftInGrafanaIsRepaired() {
        String slug = slug("grafdrift");
        String t = createTenant(slug, "PRO");
        TenantId tid = TenantId.parse(t);
        await().atMost(Duration.ofSeconds(20)).until(() -> org(slug) != null && org(slug).dashboards.containsKey("tn-overview"));
        String before = credentials.liveUsers(tid).iterator().next();
        GRAFANA.deleteDataSourceBehindOurBack("tn-" + slug, "tn-processo_1m");
        GrafanaClient admin = new GrafanaClient(GRAFANA.url(), "tenantry-provisioner", "stub-admin-password", Duration.ofSeconds(5));
        admin.deleteDashboard(org(slug).id, "tn-overview");
        Map<String, Object> report = reconcile();
        String drift = String.valueOf(((Map<String, Object>) report.get("drift")).get(slug));
        assertThat(drift).contains("created data source processo_1m").contains("saved dashboard tn-overview");
        assertThat(org(slug).dataSources).containsKey("tn-processo_1m");
        String after = credentials.liveUsers(tid).iterator().next();
        assertThat(after).as("a fresh credential, the old one revoked").isNotEqualTo(before);
        assertThat(credentials.liveUsers(tid)).containsExactly(after);
        // the whole organisation gone
        admin.deleteOrg(org(slug).id);
        reconcile();
        assertThat(org(slug)).isNotNull();
        assertThat(org(slug).dataSources).hasSize(4);
        assertThat(org(slug).dashboards).containsKey("tn-overview");
        // nothing left to repair for this tenant
        Map<String, Object> again = reconcile();
        assertThat(((Map<String, Object>) again.get("drift"))).doesNotContainKey(slug);
        assertThat(GRAFANA.violations()).isEmpty();
    }

    @Test
    void thePlansDashboardLimitHoldsWithAClearError() {
        String slug = slug("graflim");
        String t = createTenant(slug, "FREE"); // max_dashboards 5
        await().atMost(Duration.ofSeconds(20)).until(() -> org(slug) != null && org(slug).dashboards.containsKey("tn-overview"));
        GrafanaClient admin = new GrafanaClient(GRAFANA.url(), "tenantry-provisioner", "stub-admin-password", Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) { // the tenant's users made three dashboards of their own
            admin.saveDashboard(org(slug).id, JSON.createObjectNode().put("uid", "own-" + i).put("title", "Own " + i)
                    .put("schemaVersion", 41), "", "by a user");
        }
        device(t, "press-1", "siemens_s7");
        device(t, "pump-1", "modbus_tcp");
        fieldKeys(t, "Pressure");
        reconcile();
        assertThat(org(slug).dashboards).containsOnlyKeys("own-0", "own-1", "own-2", "tn-overview", "tn-type-modbus_tcp");
        Object err = get(token("owner", t), "/api/v1/tenants/" + t + "/grafana", 200).get("limitError");
        assertThat(String.valueOf(err)).contains("grafana:plan.dashboard-limit").contains("plan FREE allows 5")
                .contains("tn-type-siemens_s7");
        assertThat(GRAFANA.violations()).isEmpty();
    }

    @Test
    void grafanaDownNeverBlocksTheApi() {
        GRAFANA.setDown(true);
        String slug = slug("grafdown");
        String t = createTenant(slug, "PRO");
        Object d = createDevice(t, "press-1").get("id");
        String login = (String) post(token("owner", t), "/api/v1/tenants/" + t + "/devices/" + d + "/credentials", null, 201).get("username");
        // the broker still follows (the Grafana entry backs off alone, it does not pause the outbox)
        await().atMost(Duration.ofSeconds(20)).until(() -> dsl.fetchExists(OUTBOX, OUTBOX.AGGREGATE_ID.eq(login)
                .and(OUTBOX.DONE_AT.isNotNull())));
        assertThat(dsl.select(OUTBOX.LAST_ERROR).from(OUTBOX).where(OUTBOX.AGGREGATE_ID.eq("grafana:" + t))
                .fetchOne(OUTBOX.LAST_ERROR)).contains("503");
        assertThat(org(slug)).isNull();
        GRAFANA.setDown(false);
        await().atMost(Duration.ofSeconds(40)).until(() -> org(slug) != null && org(slug).dashboards.containsKey("tn-overview"));
    }
}
