package io.tenantry.directory.rollup;

import io.tenantry.core.directory.DirectoryUnavailableException;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.timeseries.Rollups;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.exception.DataAccessException;

import java.time.Duration;

/**
 * A tenant's retention per tier from its plan ({@code plans.raw_retention_days}, {@code aggregated_retention_days};
 * rule: {@link Rollups.Tier#retention}), for read paths that must not answer with points the retention job has not
 * deleted yet (issue 11: data older than the plan's retention disappears from every read path). One primary-key
 * read per call, no cache: a plan change is seen at once.
 */
public final class PlanRetentions {
    private final DSLContext dsl;

    public PlanRetentions(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * @return how long the tenant's points stay in {@code tier}; the bucket's own retention when the tenant or its
     *         plan is unknown (it then has no data)
     * @throws DirectoryUnavailableException when PostgreSQL cannot be reached
     */
    public Duration retention(TenantId tenant, Rollups.Tier tier) {
        try {
            Record r = dsl.fetchOne("SELECT p.raw_retention_days, p.aggregated_retention_days FROM tenants t "
                    + "JOIN plans p ON p.code = t.plan WHERE t.id = ?", tenant.value());
            if (r == null) {
                return tier == Rollups.Tier.RAW ? Duration.ofDays(30) : Duration.ofDays(365);
            }
            return tier.retention(r.get(0, Integer.class), r.get(1, Integer.class));
        } catch (DataAccessException e) {
            throw new DirectoryUnavailableException("cannot read the plan of tenant " + tenant + ": " + e.getMessage(), e);
        }
    }
}
