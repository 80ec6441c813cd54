package io.tenantry.directory;

import io.tenantry.core.directory.DirectoryUnavailableException;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.timeseries.StoragePlacement;
import io.tenantry.core.timeseries.StoragePlacements;
import io.tenantry.db.jooq.tables.records.PlansRecord;
import io.tenantry.db.jooq.tables.records.TenantsRecord;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

import static io.tenantry.db.jooq.Tables.PLANS;
import static io.tenantry.db.jooq.Tables.TENANTS;

/**
 * {@link StoragePlacements} read from PostgreSQL by tenant id ({@code tenants.placement}, Flyway V5), with the same
 * mapping the directory snapshot uses ({@link JooqDirectoryStore#placement}), so ingest (which writes through the
 * directory) and every read path (which asks this) can never disagree about a tenant's buckets (issue 9 §1).
 * One indexed primary-key read per call; no cache, so a migration to dedicated buckets is seen at once.
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
            TenantsRecord t = dsl.selectFrom(TENANTS).where(TENANTS.ID.eq(tenant.value())).fetchOne();
            if (t == null) {
                return StoragePlacement.SHARED;
            }
            PlansRecord plan = dsl.selectFrom(PLANS).where(PLANS.CODE.eq(t.getPlan())).fetchOne();
            return JooqDirectoryStore.placement(t, plan);
        } catch (DataAccessException e) {
            throw new DirectoryUnavailableException("cannot read the placement of tenant " + tenant + ": " + e.getMessage(), e);
        }
    }
}
