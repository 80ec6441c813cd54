package io.tenantry.provisioning.tenant;

import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.TenantSlug;

import java.time.OffsetDateTime;

/**
 * A tenant (design note 003 §2): UUID identity, immutable public slug, friendly name, lifecycle status, plan.
 */
public record Tenant(TenantId id, TenantSlug slug, String name, TenantStatus status, String plan,
                     OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
