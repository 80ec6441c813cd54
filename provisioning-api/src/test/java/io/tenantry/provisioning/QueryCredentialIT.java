package io.tenantry.provisioning;

import io.tenantry.core.gateway.QueryCredentialIssuer;
import io.tenantry.core.id.TenantId;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.tenantry.db.jooq.Tables.AUDIT_EVENTS;
import static io.tenantry.db.jooq.Tables.QUERY_CREDENTIALS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Query-gateway credentials (issue 13) through the REST API and the {@link QueryCredentialIssuer} port: name and
 * description scheme, the secret shown once and stored as SHA-256 only, roles and tenant isolation, audit, revocation,
 * no credential for a suspended tenant.
 */
class QueryCredentialIT extends ProvisioningTestBase {
    @Autowired
    QueryCredentialIssuer issuer;
    @Autowired
    DSLContext dsl;

    @Test
    void issueListRevokeThroughTheApi() throws Exception {
        String slug = slug("qc");
        String t = createTenant(slug, "PRO");
        String other = createTenant(slug("qd"), "PRO");
        String path = "/api/v1/tenants/" + t + "/query-credentials";

        Map<String, Object> issued = post(token("owner", t), path, Map.of("use", "reports"), 201);
        String username = (String) issued.get("username");
        String secret = (String) issued.get("secret");
        assertThat(username).matches("t_" + slug + "_[0-9a-f]{10}");
        assertThat(issued.get("description")).isEqualTo("locatario:" + slug + ":reports");
        assertThat(secret).hasSize(43);
        var row = dsl.selectFrom(QUERY_CREDENTIALS).where(QUERY_CREDENTIALS.USERNAME.eq(username)).fetchOne();
        assertThat(row.getSecretHash()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.UTF_8)))).doesNotContain(secret);
        assertThat(dsl.fetchCount(AUDIT_EVENTS, AUDIT_EVENTS.TENANT_ID.eq(UUID.fromString(t))
                .and(AUDIT_EVENTS.ACTION.eq("query-credential.issued")).and(AUDIT_EVENTS.TARGET.eq("influxql:" + username)))).isEqualTo(1);

        // the list never shows the secret; viewers may list, not issue; other tenants see nothing
        List<?> list = http().get().uri(path).headers(h -> h.setBearerAuth(token("viewer", t))).exchange()
                .expectStatus().isOk().expectBody(List.class).returnResult().getResponseBody();
        // (the Grafana feature issues its own "grafana" credential for every new tenant: not counted here)
        assertThat(list.stream().filter(e -> e.toString().contains("use=reports")).toList()).hasSize(1);
        assertThat(list.toString()).contains(username).doesNotContain(secret);
        post(token("viewer", t), path, Map.of("use", "reports"), 403);
        post(token("owner", other), path, Map.of("use", "reports"), 404);
        http().get().uri(path).headers(h -> h.setBearerAuth(token("owner", other))).exchange().expectStatus().isNotFound();
        Map<String, Object> bad = post(token("owner", t), path, Map.of("use", "Grafana Prod!"), 400);
        assertThat(bad.toString()).contains("use");

        // revoke one: another tenant's owner cannot, the owner can (idempotent)
        http().delete().uri(path + "/" + username).headers(h -> h.setBearerAuth(token("owner", other))).exchange()
                .expectStatus().isNotFound();
        assertThat(dsl.fetchValue(QUERY_CREDENTIALS.REVOKED_AT, QUERY_CREDENTIALS.USERNAME.eq(username))).isNull();
        http().delete().uri(path + "/" + username).headers(h -> h.setBearerAuth(token("owner", t))).exchange()
                .expectStatus().isNoContent();
        http().delete().uri(path + "/" + username).headers(h -> h.setBearerAuth(token("owner", t))).exchange()
                .expectStatus().isNoContent();
        assertThat(dsl.fetchValue(QUERY_CREDENTIALS.REVOKED_AT, QUERY_CREDENTIALS.USERNAME.eq(username))).isNotNull();
        assertThat(dsl.fetchCount(AUDIT_EVENTS, AUDIT_EVENTS.ACTION.eq("query-credential.revoked")
                .and(AUDIT_EVENTS.TARGET.eq("influxql:" + username)))).isEqualTo(1);
    }

    @Test
    void thePortIssuesAndRevokesAllOfAUseAndRefusesInactiveTenants() {
        String t = createTenant(slug("qp"), "FREE");
        TenantId id = TenantId.parse(t);
        QueryCredentialIssuer.Issued a = issuer.issue(id, "reports");
        QueryCredentialIssuer.Issued b = issuer.issue(id, "reports");
        QueryCredentialIssuer.Issued c = issuer.issue(id, "bench");
        assertThat(a.username()).isNotEqualTo(b.username());
        issuer.revokeAll(id, "reports");
        assertThat(dsl.fetchCount(QUERY_CREDENTIALS, QUERY_CREDENTIALS.TENANT_ID.eq(UUID.fromString(t))
                .and(QUERY_CREDENTIALS.USE_NAME.in("reports", "bench"))
                .and(QUERY_CREDENTIALS.REVOKED_AT.isNull()))).isEqualTo(1);
        assertThat(dsl.fetchValue(QUERY_CREDENTIALS.REVOKED_AT, QUERY_CREDENTIALS.USERNAME.eq(c.username()))).isNull();

        post(adminToken(), "/api/v1/tenants/" + t + "/suspend", null, 200);
        assertThatThrownBy(() -> issuer.issue(id, "reports")).hasMessageContaining("SUSPENDED");
        post(token("owner", t), "/api/v1/tenants/" + t + "/query-credentials", Map.of("use", "reports"), 409);
        assertThatThrownBy(() -> issuer.issue(TenantId.random(), "reports")).hasMessageContaining("not found");
    }
}
