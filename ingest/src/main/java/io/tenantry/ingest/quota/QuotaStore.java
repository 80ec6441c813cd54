package io.tenantry.ingest.quota;

import org.jooq.DSLContext;
import org.jooq.Record;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Reads what the quota check needs from PostgreSQL (Flyway V1, V7): each tenant's effective rate (its plan's
 * {@code points_per_minute}, or the tenant's override) and the field values other ingest processes stored today.
 */
public final class QuotaStore {
    private final DSLContext dsl;

    /** @param dsl jOOQ over the app role's pool */
    public QuotaStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * A tenant's effective quota.
     *
     * @param plan            plan code
     * @param pointsPerMinute field values per minute (the override's when set)
     * @param overridden      true when a per-tenant override set the rate
     */
    public record Limits(String plan, long pointsPerMinute, boolean overridden) {
        /** The daily budget: rate × 1,440 (note 003 §8 measures daily averages). */
        public long dailyBudget() {
            return pointsPerMinute * 1440L;
        }
    }

    /** Every tenant's limits. */
    public Map<UUID, Limits> limits() {
        Map<UUID, Limits> out = new HashMap<>();
        for (Record r : dsl.fetch("""
                SELECT t.id, t.plan, COALESCE(o.points_per_minute, p.points_per_minute) AS ppm,
                       o.points_per_minute IS NOT NULL AS overridden
                FROM tenants t JOIN plans p ON p.code = t.plan
                LEFT JOIN tenant_plan_overrides o ON o.tenant_id = t.id""")) {
            out.put(r.get(0, UUID.class), new Limits(r.get(1, String.class), r.get(2, Long.class), r.get(3, Boolean.class)));
        }
        return out;
    }

    /**
     * Field values stored in {@code [from, to)} per tenant by every ingest process but {@code self}.
     */
    public Map<UUID, Long> storedByOthers(Instant from, Instant to, UUID self) {
        Map<UUID, Long> out = new HashMap<>();
        for (Record r : dsl.fetch("""
                SELECT tenant_id, SUM(field_values) FROM ingest_usage
                WHERE minute >= ?::timestamptz AND minute < ?::timestamptz AND instance_id <> ? GROUP BY tenant_id""",
                from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC), self)) {
            out.put(r.get(0, UUID.class), r.get(1, Long.class));
        }
        return out;
    }
}
