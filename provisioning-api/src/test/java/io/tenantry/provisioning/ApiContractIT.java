package io.tenantry.provisioning;

import io.tenantry.adapters.auth.LocalIssuer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Authentication, roles, tenant scoping, plan limits and problem details, through HTTP. */
class ApiContractIT extends ProvisioningTestBase {

    @Test
    void tokensWithBadSignatureWrongAudienceOrPastExpiryGet401() throws Exception {
        String path = "/api/v1/tenants";
        http().get().uri(path).exchange().expectStatus().isUnauthorized();
        Path otherKey = Files.createTempDirectory("jwk").resolve("other.json");
        String forged = LocalIssuer.loadOrCreate(otherKey, "tenantry-local", "tenantry-api")
                .mint("mallory", null, List.of("platform_admin"), Duration.ofMinutes(5));
        String wrongAudience = LocalIssuer.loadOrCreate(ENV.repoRoot().resolve(".stack/issuer/jwk.json"), "tenantry-local", "someone-else")
                .mint("x", null, List.of("platform_admin"), Duration.ofMinutes(5));
        String expired = issuer.mint("x", null, List.of("platform_admin"), Duration.ofMinutes(-5));
        for (String t : List.of(forged, wrongAudience, expired, "not-a-jwt")) {
            http().get().uri(path).headers(h -> h.setBearerAuth(t)).exchange().expectStatus().isUnauthorized();
        }
        http().get().uri(path).headers(h -> h.setBearerAuth(adminToken())).exchange().expectStatus().isOk();
    }

    @Test
    void rolesAndTenantScoping() {
        String a = createTenant(slug("ta"), "PRO");
        String b = createTenant(slug("tb"), "PRO");
        Map<String, Object> bDevice = createDevice(b, "press-1");

        // viewer of A may read but not create devices
        post(token("viewer", a), "/api/v1/tenants/" + a + "/devices", Map.of("plcId", "p-1", "type", "opcua"), 403);
        http().get().uri("/api/v1/tenants/" + a + "/devices").headers(h -> h.setBearerAuth(token("viewer", a)))
                .exchange().expectStatus().isOk();
        // owner of A cannot see B, nor B's devices: 404, not 403
        Map<String, Object> p = get(token("owner", a), "/api/v1/tenants/" + b, 404);
        assertThat(p).containsEntry("errorCode", "provisioning:tenant.not-found");
        get(token("owner", a), "/api/v1/tenants/" + b + "/devices/" + bDevice.get("id"), 404);
        post(token("owner", a), "/api/v1/tenants/" + b + "/devices", Map.of("plcId", "p-2", "type", "opcua"), 404);
        // B's device id under A's path is not found either
        get(token("owner", a), "/api/v1/tenants/" + a + "/devices/" + bDevice.get("id"), 404);
        // the tenant list only shows the caller's tenant
        List<?> list = http().get().uri("/api/v1/tenants").headers(h -> h.setBearerAuth(token("owner", a))).exchange()
                .expectStatus().isOk().expectBody(List.class).returnResult().getResponseBody();
        assertThat(list).hasSize(1);
        // only platform admins create tenants or drive the lifecycle
        post(token("owner", a), "/api/v1/tenants", Map.of("slug", slug("x"), "name", "x", "plan", "FREE"), 403);
        post(token("owner", a), "/api/v1/tenants/" + a + "/suspend", null, 403);
    }

    @Test
    void freePlanRefusesTheThirdDeviceNamingTheLimit() {
        String t = createTenant(slug("free"), "FREE");
        createDevice(t, "dev-1");
        createDevice(t, "dev-2");
        Map<String, Object> p = post(token("owner", t), "/api/v1/tenants/" + t + "/devices",
                Map.of("plcId", "dev-3", "type", "opcua"), 409);
        assertThat(p).containsEntry("errorCode", "provisioning:plan.device-limit");
        assertThat((String) p.get("detail")).contains("FREE").contains("2 devices");
        assertThat(p.get("type")).isEqualTo("urn:tenantry:problem:provisioning:plan.device-limit");
    }

    @Test
    @SuppressWarnings("unchecked")
    void badInputGetsFieldByFieldProblems() {
        String admin = adminToken();
        Map<String, Object> p = post(admin, "/api/v1/tenants", Map.of("slug", "Bad Slug!", "name", "", "plan", "GOLD"), 400);
        assertThat(p).containsEntry("errorCode", "provisioning:tenant.invalid");
        List<Map<String, Object>> errors = (List<Map<String, Object>>) p.get("errors");
        assertThat(errors).extracting(e -> e.get("field")).containsExactlyInAnyOrder("slug", "name", "plan");

        p = post(admin, "/api/v1/tenants", Map.of("slug", slug("u"), "name", "n", "plan", "FREE", "color", "red"), 400);
        assertThat(p).containsEntry("errorCode", "api:request.malformed");
        assertThat((List<Map<String, Object>>) p.get("errors")).extracting(e -> e.get("field")).containsExactly("color");

        String t = createTenant(slug("types"), "PRO");
        p = post(token("owner", t), "/api/v1/tenants/" + t + "/devices", Map.of("plcId", 42, "type", "opcua"), 400);
        assertThat((List<Map<String, Object>>) p.get("errors")).extracting(e -> e.get("field")).containsExactly("plcId");
        p = post(token("owner", t), "/api/v1/tenants/" + t + "/devices",
                Map.of("plcId", "ok-1", "type", "plc5000", "tags", Map.of("locatario_id", "spoof")), 400);
        assertThat((List<Map<String, Object>>) p.get("errors")).extracting(e -> e.get("field"))
                .containsExactlyInAnyOrder("type", "tags.locatario_id");

        String s = slug("dup");
        createTenant(s, "FREE");
        p = post(admin, "/api/v1/tenants", Map.of("slug", s, "name", "again", "plan", "FREE"), 409);
        assertThat(p).containsEntry("errorCode", "provisioning:tenant.slug-taken");
    }

    @Test
    void openApiAndSwaggerUiAreServed() {
        http().get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody(String.class)
                .value(s -> assertThat(s).contains("/api/v1/tenants/{tenantId}/devices"));
        http().get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection();
        http().get().uri("/oauth2/jwks").exchange().expectStatus().isOk().expectBody(String.class)
                .value(s -> assertThat(s).contains("\"kty\":\"RSA\"").doesNotContain("\"d\":"));
    }
}
