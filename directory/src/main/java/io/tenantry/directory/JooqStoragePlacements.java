package io.tenantry.directory;

import io.tenantry.core.directory.DirectoryUnavailableException;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.timeseries.StoragePlacement;
import io.tenantry.core.timeseries.StoragePlacements;
import io.tenantry.db.jooq.tables.records.PlansRecord;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

import static io.tenantry.db.jooq.Tables.PLANS;
import static io.tenantry.db.jooq.Tables.TENANTS;

/**
 * {@link StoragePlacements} read from PostgreSQL by tenant id ({@code tenants.placement}, Flyway V5), with the same
 * mapping the directory snapshot uses ({@link JooqDirectoryStore#placement}), so ingest (which writes through the
 * directory) and every read path (which asks this) can never disagree about a tenant's buckets (issue 9 §1).
 * One indexed primary-key read (tenant joined with its plan) per call; no cache, so a migration to dedicated buckets is seen at once.
 */
public final class JooqStoragePlacements implements StoragePlacements {
    private final DSLContext dsl;

    public JooqStoragePlacements(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * @return the tenant's placement; {@link StoragePlacement#SHARED} for an unknown tenant (it has no data anywhere)
     * @throws DirectoryUnavailableException when PostgreSQL cannot be reached
     * @throws IllegalStateException         when the row breaks {@code tenants_placement_check}
     */
    @Override
    public StoragePlacement placementOf(TenantId tenant) {
        try {
            var row = dsl.select().from(TENANTS).leftJoin(PLANS).on(PLANS.CODE.eq(TENANTS.PLAN))
                    .where(TENANTS.ID.eq(tenant.value())).fetchOne();
            if (row == null) {
                return StoragePlacement.SHARED;
            }
            PlansRecord plan = row.get(PLANS.CODE) == null ? null : row.into(PLANS);
            return JooqDirectoryStore.placement(row.into(TENANTS), plan);
        } catch (DataAccessException e) {
            throw new DirectoryUnavailableException("cannot read the placement of tenant " + tenant + ": " + e.getMessage(), e);
        }
    }
}
