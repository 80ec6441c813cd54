package io.tenantry.quota.usage;

import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.core.timeseries.SharedBuckets;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;

/**
 * A tenant's series cardinality and storage estimate (note 003 §9 {@code cardinality_series}, {@code storage_bytes};
 * §14 soft cardinality alert).
 * <ul>
 *   <li>series: {@code SHOW SERIES EXACT CARDINALITY FROM /^<tenant uuid>\./} on the shared raw bucket (every
 *       measurement of a tenant is {@code <uuid>.<name>}, TenantMeasurements), summed over its measurements;</li>
 *   <li>bytes: an <i>estimate</i>: {@value #BYTES_PER_VALUE} bytes per field value stored within the plan's raw
 *       retention (TSM's compressed size of typical float series) + {@value #BYTES_PER_SERIES} bytes of index per
 *       series. InfluxDB 1.x has no per-series size; the figure is for trends and migration advice, not billing.</li>
 * </ul>
 */
public final class SeriesStats {
    private static final Logger log = LoggerFactory.getLogger(SeriesStats.class);
    static final int BYTES_PER_VALUE = 3;
    static final int BYTES_PER_SERIES = 128;

    private final InfluxV1Client influx;
    private final DSLContext dsl;

    /**
     * @param influx client with READ on the raw bucket (the jobs user)
     * @param dsl    jOOQ over the app role
     */
    public SeriesStats(InfluxV1Client influx, DSLContext dsl) {
        this.influx = influx;
        this.dsl = dsl;
    }

    /** Series count and estimated bytes. */
    public record Stats(long series, long bytes) {
    }

    /** @return the tenant's stats, or null when InfluxDB cannot be asked */
    public Stats of(UUID tenant) {
        long series = 0;
        try {
            List<InfluxV1Client.Result> rs = influx.query("SHOW SERIES EXACT CARDINALITY FROM /^"
                    + tenant + "\\./", SharedBuckets.RAW.database());
            for (InfluxV1Client.Result r : rs) {
                for (List<Object> row : r.rows()) {
                    Object v = row.get(row.size() - 1);
                    if (v instanceof Number n) {
                        series += n.longValue();
                    }
                }
            }
        } catch (RuntimeException e) {
            log.debug("series cardinality of {} unavailable: {}", tenant, e.getMessage());
            return null;
        }
        Long values = dsl.fetchOne("""
                SELECT COALESCE(SUM(d.field_values), 0)::bigint FROM usage_day d
                JOIN tenants t ON t.id = d.tenant_id JOIN plans p ON p.code = t.plan
                LEFT JOIN tenant_plan_overrides o ON o.tenant_id = t.id
                WHERE d.tenant_id = ? AND d.day > CURRENT_DATE - COALESCE(o.raw_retention_days, p.raw_retention_days)""",
                tenant).get(0, Long.class);
        return new Stats(series, values * BYTES_PER_VALUE + series * BYTES_PER_SERIES);
    }
}
