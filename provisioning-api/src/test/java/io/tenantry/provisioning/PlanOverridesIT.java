package io.tenantry.provisioning;

import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10's per-tenant plan overrides through the API: a platform admin sets them (audited), the tenant's members
 * read them, nobody else may write or see them, bad limits are refused field by field, and a device-limit override
 * is what device creation enforces.
 */
class PlanOverridesIT extends ProvisioningTestBase {
    @Autowired
    DSLContext dsl;

    @Test
    @SuppressWarnings("unchecked")
    void anAdminOverridesLimitsAuditedTheTenantReadsThemAndDeviceCreationFollowsTheOverride() {
        String t = createTenant(slug("ovr"), "FREE");
        String other = createTenant(slug("ovr-other"), "PRO");
        String path = "/api/v1/tenants/" + t + "/limits";
        Map<String, Object> set = http().put().uri(path).headers(h -> h.setBearerAuth(adminToken()))
                .bodyValue(Map.of("pointsPerMinute", 20000, "maxDevices", 1)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat((Map<String, Object>) set.get("effective")).containsEntry("pointsPerMinute", 20000)
                .containsEntry("maxDevices", 1).containsEntry("rawRetentionDays", 3);
        assertThat((Map<String, Object>) set.get("planLimits")).containsEntry("pointsPerMinute", 500);
        assertThat(dsl.fetchValue("SELECT count(*) FROM audit_events WHERE tenant_id = ?::uuid AND action = 'tenant.plan-overrides'"
                + " AND details LIKE '%pointsPerMinute%'", t)).isEqualTo(1L);
        // members read; the owner may not write; another tenant sees nothing (404)
        Map<String, Object> viewed = get(token("viewer", t), path, 200);
        assertThat((Map<String, Object>) viewed.get("overrides")).containsOnlyKeys("maxDevices", "pointsPerMinute");
        http().put().uri(path).headers(h -> h.setBearerAuth(token("owner", t))).bodyValue(Map.of("pointsPerMinute", 99999))
                .exchange().expectStatus().isForbidden();
        get(token("owner", other), path, 404);
        http().put().uri(path).headers(h -> h.setBearerAuth(token("owner", other))).bodyValue(Map.of("maxDevices", 50))
                .exchange().expectStatus().isNotFound();
        // bad input names each field
        http().put().uri(path).headers(h -> h.setBearerAuth(adminToken()))
                .bodyValue(Map.of("pointsPerMinute", -1, "rawRetentionDays", 0, "bogus", 3)).exchange()
                .expectStatus().isBadRequest().expectBody(String.class)
                .value(b -> assertThat(b).contains("pointsPerMinute", "rawRetentionDays", "bogus"));
        // the device limit follows the override (1, not FREE's 2), and the refusal says so
        createDevice(t, "plc-one");
        Map<String, Object> refused = post(token("owner", t), "/api/v1/tenants/" + t + "/devices",
                Map.of("plcId", "plc-two", "type", "modbus_tcp", "tags", Map.of()), 409);
        assertThat(String.valueOf(refused.get("detail"))).contains("override", "allows 1 devices");
        // clearing restores the plan
        Map<String, Object> cleared = http().put().uri(path).headers(h -> h.setBearerAuth(adminToken())).bodyValue(Map.of())
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat((Map<String, Object>) cleared.get("overrides")).isEmpty();
        createDevice(t, "plc-two");
    }
}
