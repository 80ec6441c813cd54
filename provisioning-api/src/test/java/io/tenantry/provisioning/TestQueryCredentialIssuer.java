package io.tenantry.provisioning;

import io.tenantry.core.gateway.QueryCredentialIssuer;
import io.tenantry.core.id.TenantId;
import org.springframework.boot.test.context.TestComponent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * <b>Test-only</b> {@link QueryCredentialIssuer}: the real one (tenant gateway credentials, hashed in PostgreSQL,
 * audited) comes with the query gateway (issue 13) on another branch. This one keeps the credentials in memory so
 * the Grafana ITs can see what was issued and revoked: names {@code t_<slug-ish>_<suffix>} with description
 * {@code locatario:<tenant>:<use>}; a revoked credential is remembered as such.
 */
@TestComponent
public class TestQueryCredentialIssuer implements QueryCredentialIssuer {
    /** Live credentials by user name → (tenant, use). */
    private final Map<String, Issued> live = new ConcurrentHashMap<>();
    private final Map<String, TenantId> owner = new ConcurrentHashMap<>();
    private final List<String> revoked = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Issued issue(TenantId tenant, String use) {
        String user = "t_" + tenant.value().toString().substring(0, 8) + "_" + use + "_" + UUID.randomUUID().toString().substring(0, 6);
        Issued i = new Issued(user, UUID.randomUUID().toString(), "locatario:" + tenant.value() + ":" + use);
        live.put(user, i);
        owner.put(user, tenant);
        return i;
    }

    @Override
    public void revokeAll(TenantId tenant, String use) {
        for (String u : new ArrayList<>(live.keySet())) {
            if (owner.get(u).equals(tenant) && live.get(u).description().endsWith(":" + use)) {
                live.remove(u);
                revoked.add(u);
            }
        }
    }

    /** Whether {@code user} is issued and not revoked, with {@code secret}. */
    public boolean works(String user, String secret) {
        Issued i = live.get(user);
        return i != null && i.secret().equals(secret);
    }

    /** The live credentials of a tenant. */
    public Set<String> liveUsers(TenantId tenant) {
        Set<String> s = new java.util.TreeSet<>();
        live.keySet().stream().filter(u -> owner.get(u).equals(tenant)).forEach(s::add);
        return s;
    }
}
