package io.tenantry.provisioning;

import io.tenantry.core.id.TenantId;
import io.tenantry.provisioning.querycredential.QueryCredentialManagement;
import org.jooq.DSLContext;
import org.springframework.boot.test.context.TestComponent;

import java.util.Set;
import java.util.TreeSet;

import static io.tenantry.db.jooq.tables.QueryCredentials.QUERY_CREDENTIALS;

/**
 * Test view of the real gateway credentials (table {@code query_credentials}, Flyway V10) that the Grafana feature
 * obtains through {@code QueryCredentialIssuer} (implemented by {@link QueryCredentialManagement}): which are live
 * (not revoked) and whether a secret Grafana holds is the one whose SHA-256 is stored.
 */
@TestComponent
public class QueryCredentialProbe {
    private final DSLContext dsl;

    public QueryCredentialProbe(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Whether {@code user} is issued, not revoked, and {@code secret} is its secret. */
    public boolean works(String user, String secret) {
        return dsl.fetchExists(QUERY_CREDENTIALS, QUERY_CREDENTIALS.USERNAME.eq(user)
                .and(QUERY_CREDENTIALS.REVOKED_AT.isNull())
                .and(QUERY_CREDENTIALS.SECRET_HASH.eq(QueryCredentialManagement.sha256(secret))));
    }

    /** The tenant's live credential user names (any use). */
    public Set<String> liveUsers(TenantId tenant) {
        return new TreeSet<>(dsl.select(QUERY_CREDENTIALS.USERNAME).from(QUERY_CREDENTIALS)
                .where(QUERY_CREDENTIALS.TENANT_ID.eq(tenant.value()).and(QUERY_CREDENTIALS.REVOKED_AT.isNull()))
                .fetch(QUERY_CREDENTIALS.USERNAME));
    }
}
