package io.tenantry.core.timeseries;

import io.tenantry.core.id.TenantId;

/**
 * The one place that decides a tenant's {@link StoragePlacement} (issue 9 §1): ingest asks it for the bucket of a
 * tenant's raw points, every read path for the bucket it reads. Until the tenant directory carries the placement
 * held in PostgreSQL, every tenant is {@link StoragePlacement#SHARED} ({@link #ALL_SHARED}).
 */
@FunctionalInterface
public interface StoragePlacements {
    /** Every tenant in the shared buckets (today's only placement). */
    StoragePlacements ALL_SHARED = tenant -> StoragePlacement.SHARED;

    /**
     * @param tenant the tenant
     * @return its placement; never null
     */
    StoragePlacement placementOf(TenantId tenant);
}
