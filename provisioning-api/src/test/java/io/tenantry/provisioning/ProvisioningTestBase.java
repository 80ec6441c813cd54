package io.tenantry.provisioning;

import io.tenantry.adapters.auth.LocalIssuer;
import io.tenantry.testsupport.LocalStack;
import io.tenantry.testsupport.StackEnv;
import io.tenantry.testsupport.grafana.GrafanaStub;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Starts the provisioning API on a random port against the real local stack (PostgreSQL, Mosquitto, InfluxDB),
 * with the local token issuer enabled, and offers token minting and HTTP helpers. All ITs share this one context
 * (one outbox processor), which also holds {@link OutboxIT.EchoHandler}, a handler of the test-only outbox kind
 * {@code test.echo}, and the Grafana feature pointed at a {@link GrafanaStub}; its data sources get real query
 * gateway credentials (issue 13), which {@link QueryCredentialProbe} reads back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import({OutboxIT.EchoHandler.class, QueryCredentialProbe.class})
abstract class ProvisioningTestBase {
    static final StackEnv ENV = LocalStack.ensureUp();
    /** Grafana cannot be installed here: the Grafana feature talks to this stub of its documented API (issue 14). */
    static final GrafanaStub GRAFANA = startGrafanaStub();

    static GrafanaStub startGrafanaStub() {
        try {
            return new GrafanaStub(0, "tenantry-provisioner", "stub-admin-password");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void stack(DynamicPropertyRegistry registry) {
        ENV.asProperties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("TENANTRY_LOCAL_ISSUER", () -> "true");
        // only the start-up run and explicit POST /admin/reconcile: a periodic run would race ReconcilerIT
        registry.add("tenantry.reconciler.interval", () -> "1h");
        registry.add("tenantry.grafana.url", GRAFANA::url);
        registry.add("tenantry.grafana.admin-user", () -> "tenantry-provisioner");
        registry.add("tenantry.grafana.admin-password", () -> "stub-admin-password");
        registry.add("tenantry.grafana.reconcile-interval", () -> "1h"); // GrafanaIT runs it on demand
    }

    @Autowired
    Environment environment;
    @Autowired
    LocalIssuer issuer;

    WebTestClient http() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + environment.getProperty("local.server.port"))
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    String adminToken() {
        return issuer.mint("admin-" + UUID.randomUUID(), null, List.of("platform_admin"), Duration.ofMinutes(10));
    }

    String token(String role, String tenantId) {
        return issuer.mint(role + "-" + UUID.randomUUID(), tenantId, List.of(role), Duration.ofMinutes(10));
    }

    static String slug(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> post(String token, String path, Object body, int expectedStatus) {
        var spec = http().post().uri(path).headers(h -> h.setBearerAuth(token));
        var resp = body == null ? spec.exchange() : spec.bodyValue(body).exchange();
        return resp.expectStatus().isEqualTo(expectedStatus).expectBody(Map.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> get(String token, String path, int expectedStatus) {
        return http().get().uri(path).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isEqualTo(expectedStatus).expectBody(Map.class).returnResult().getResponseBody();
    }

    /** Creates a tenant as platform admin; returns its id. */
    String createTenant(String slug, String plan) {
        return (String) post(adminToken(), "/api/v1/tenants", Map.of("slug", slug, "name", "Tenant " + slug, "plan", plan), 201).get("id");
    }

    /** Creates a device as the tenant's owner; returns the response body. */
    Map<String, Object> createDevice(String tenantId, String plcId) {
        return post(token("owner", tenantId), "/api/v1/tenants/" + tenantId + "/devices",
                Map.of("plcId", plcId, "type", "modbus_tcp", "tags", Map.of("line", "l1")), 201);
    }
}
