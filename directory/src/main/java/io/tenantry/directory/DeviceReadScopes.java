package io.tenantry.directory;

import io.tenantry.core.directory.DirectoryUnavailableException;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.timeseries.Rollups;
import io.tenantry.core.timeseries.StoragePlacement;
import io.tenantry.db.jooq.tables.records.PlansRecord;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

import java.time.Duration;
import java.util.Optional;

import static io.tenantry.db.jooq.Tables.DEVICES;
import static io.tenantry.db.jooq.Tables.PLANS;
import static io.tenantry.db.jooq.Tables.TENANTS;

/**
 * What a read of one device's points needs from PostgreSQL, in one indexed query (issue 15: the telemetry read path
 * made four round trips — the device, its tenant, the tenant's placement, its plan's retention): the device's PLC id
 * if the device belongs to the tenant, the tenant's {@link StoragePlacement} (the same mapping as
 * {@link JooqStoragePlacements} and the directory snapshot, {@link JooqDirectoryStore#placement}) and its plan's
 * retention per tier (the same rule as {@link io.tenantry.directory.rollup.PlanRetentions}). No cache: a deleted
 * device, a moved tenant or a plan change is seen by the next read.
 */
public final class DeviceReadScopes {
    private final DSLContext dsl;

    public DeviceReadScopes(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * One device as a read sees it.
     *
     * @param plcId                   the device's PLC id (the {@code plc_id} tag of its points)
     * @param placement               where the tenant's points live
     * @param rawRetentionDays        the plan's {@code raw_retention_days}, or null when the tenant has no known plan
     * @param aggregatedRetentionDays the plan's {@code aggregated_retention_days}, or null likewise
     */
    public record Scope(String plcId, StoragePlacement placement, Integer rawRetentionDays,
                        Integer aggregatedRetentionDays) {
        /**
         * How long the tenant's points stay in {@code tier} ({@link Rollups.Tier#retention}); without a known plan
         * the bucket defaults {@link io.tenantry.directory.rollup.PlanRetentions} uses (30 days raw, 365 days
         * otherwise).
         */
        public Duration retention(Rollups.Tier tier) {
            if (rawRetentionDays == null || aggregatedRetentionDays == null) {
                return tier == Rollups.Tier.RAW ? Duration.ofDays(30) : Duration.ofDays(365);
            }
            return tier.retention(rawRetentionDays, aggregatedRetentionDays);
        }
    }

    /**
     * {@code devices ⋈ tenants ⟕ plans} by primary keys: the device must have {@code id = device} and
     * {@code tenant_id = tenant}.
     *
     * @return empty when there is no such device of that tenant (another tenant's device included)
     * @throws DirectoryUnavailableException when PostgreSQL cannot be reached
     * @throws IllegalStateException         when the tenant row breaks {@code tenants_placement_check}
     */
    public Optional<Scope> find(TenantId tenant, DeviceId device) {
        try {
            var row = dsl.select(DEVICES.PLC_ID).select(TENANTS.fields()).select(PLANS.fields())
                    .from(DEVICES).join(TENANTS).on(TENANTS.ID.eq(DEVICES.TENANT_ID))
                    .leftJoin(PLANS).on(PLANS.CODE.eq(TENANTS.PLAN))
                    .where(DEVICES.ID.eq(device.value())).and(DEVICES.TENANT_ID.eq(tenant.value()))
                    .fetchOne();
            if (row == null) {
                return Optional.empty();
            }
            PlansRecord plan = row.get(PLANS.CODE) == null ? null : row.into(PLANS);
            return Optional.of(new Scope(row.get(DEVICES.PLC_ID), JooqDirectoryStore.placement(row.into(TENANTS), plan),
                    plan == null ? null : plan.getRawRetentionDays(),
                    plan == null ? null : plan.getAggregatedRetentionDays()));
        } catch (DataAccessException e) {
            throw new DirectoryUnavailableException("cannot read device " + device + " of tenant " + tenant + ": "
                    + e.getMessage(), e);
        }
    }
}
