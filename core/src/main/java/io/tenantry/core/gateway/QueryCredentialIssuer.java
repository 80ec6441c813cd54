package io.tenantry.core.gateway;

import io.tenantry.core.id.TenantId;

/**
 * Issues and revokes a tenant's credentials for the tenant-enforcing InfluxQL query gateway (design note 003
 * §6, §10: the tenant's "scoped Influx token"). Username {@code t_<slug>_<suffix>}, description
 * {@code locatario:<slug>:<use>} (e.g. {@code use = "grafana"}); the secret is returned once and stored hashed.
 * Implemented by the provisioning API; used by the Grafana feature for its data sources.
 */
public interface QueryCredentialIssuer {

    /**
     * A freshly issued credential.
     *
     * @param username    {@code t_<slug>_<suffix>}
     * @param secret      the password / token, shown once (never stored in clear)
     * @param description {@code locatario:<slug>:<use>}
     */
    record Issued(String username, String secret, String description) {
    }

    /** Issues a new credential of the tenant for {@code use}; audited. Errors: unknown or non-active tenant. */
    Issued issue(TenantId tenant, String use);

    /** Revokes every credential of the tenant for {@code use} (effective at the gateway within seconds); audited. */
    void revokeAll(TenantId tenant, String use);
}
