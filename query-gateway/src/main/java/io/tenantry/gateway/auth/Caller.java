package io.tenantry.gateway.auth;

import io.tenantry.core.id.TenantId;
import io.tenantry.core.timeseries.StoragePlacement;

/**
 * An authenticated gateway caller: the credential's tenant, its plan and placement, as PostgreSQL held them at most
 * {@code tenantry.gateway.credential-ttl} ago.
 *
 * @param username  the credential ({@code t_<slug>_<suffix>})
 * @param tenant    its tenant (ACTIVE when this was read)
 * @param slug      the tenant's slug (metrics label)
 * @param plan      plan code or null
 * @param placement the tenant's buckets
 */
public record Caller(String username, TenantId tenant, String slug, String plan, StoragePlacement placement) {
}
