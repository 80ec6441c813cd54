package io.tenantry.quota.rollup;

import org.jooq.DSLContext;
import org.jooq.Record;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The rollup job's state in PostgreSQL (Flyway V8, app role): tenants with their plan's retention, the per-tenant
 * and per-tier watermarks ({@code rollup_watermarks}) and the late-data ranges ingest records ({@code rollup_dirty}).
 * Methods taking a {@link DSLContext} run inside the caller's transaction.
 */
public final class RollupStore {
    /**
     * A tenant as the jobs see it.
     *
     * @param id                      tenant UUID
     * @param rawRetentionDays        plan's raw retention (note 003 §7)
     * @param aggregatedRetentionDays plan's aggregated retention
     */
    public record TenantPlan(UUID id, int rawRetentionDays, int aggregatedRetentionDays) {
    }

    /**
     * The tenant's watermarks, locked for the caller's transaction: every window ending at or before one is written.
     *
     * @param tenSeconds end (exclusive) of rolled-up raw time, 10-second tier
     * @param oneMinute  same for the 1-minute tier; minute-aligned, ≤ {@code tenSeconds}
     */
    public record Watermarks(Instant tenSeconds, Instant oneMinute) {
    }

    /**
     * A late-data range recorded by ingest.
     *
     * @param hourStart the UTC hour of the row (its key)
     * @param min       earliest late point timestamp
     * @param max       latest late point timestamp
     * @param version   bumped by every merge; the row is deleted only at the version that was recomputed
     */
    public record Dirty(Instant hourStart, Instant min, Instant max, long version) {
    }

    private final DSLContext dsl;

    public RollupStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Every tenant with its plan, any status (late data of a suspended tenant is still rolled up). */
    public List<TenantPlan> tenants() {
        List<TenantPlan> out = new ArrayList<>();
        for (Record r : dsl.fetch("SELECT t.id, p.raw_retention_days, p.aggregated_retention_days FROM tenants t "
                + "JOIN plans p ON p.code = t.plan ORDER BY t.id")) {
            out.add(new TenantPlan(r.get(0, UUID.class), r.get(1, Integer.class), r.get(2, Integer.class)));
        }
        return out;
    }

    /** One tenant with its plan, empty when unknown. */
    public Optional<TenantPlan> tenant(UUID id) {
        return tenants().stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /**
     * Locks the tenant's watermark rows for the transaction of {@code tx}, creating them at {@code initial}
     * (minute-aligned) the first time.
     *
     * @param wait false: skip a tenant another instance holds (empty answer); true: wait for it
     */
    public Optional<Watermarks> lock(DSLContext tx, UUID tenant, Instant initial, boolean wait) {
        OffsetDateTime init = odt(initial);
        for (String tier : List.of("10s", "1m")) {
            tx.execute("INSERT INTO rollup_watermarks (tenant_id, tier, watermark, updated_at) SELECT ?, ?, CAST(? AS timestamptz), now() "
                    + "WHERE EXISTS (SELECT 1 FROM tenants WHERE id = ?) ON CONFLICT DO NOTHING", tenant, tier, init, tenant);
        }
        var rows = tx.fetch("SELECT tier, watermark FROM rollup_watermarks WHERE tenant_id = ? ORDER BY tier FOR UPDATE"
                + (wait ? "" : " SKIP LOCKED"), tenant);
        if (rows.size() != 2) {
            return Optional.empty();
        }
        Instant ten = null;
        Instant one = null;
        for (Record r : rows) {
            Instant w = r.get(1, OffsetDateTime.class).toInstant();
            if ("10s".equals(r.get(0, String.class))) {
                ten = w;
            } else {
                one = w;
            }
        }
        return Optional.of(new Watermarks(ten, one));
    }

    /** Sets both watermarks (inside the locking transaction). */
    public void advance(DSLContext tx, UUID tenant, Watermarks w) {
        tx.execute("UPDATE rollup_watermarks SET watermark = CAST(? AS timestamptz), updated_at = now() WHERE tenant_id = ? AND tier = '10s'",
                odt(w.tenSeconds()), tenant);
        tx.execute("UPDATE rollup_watermarks SET watermark = CAST(? AS timestamptz), updated_at = now() WHERE tenant_id = ? AND tier = '1m'",
                odt(w.oneMinute()), tenant);
    }

    /** The tenant's late-data ranges, oldest first. */
    public List<Dirty> dirty(DSLContext tx, UUID tenant) {
        List<Dirty> out = new ArrayList<>();
        for (Record r : tx.fetch("SELECT hour_start, min_ts, max_ts, version FROM rollup_dirty WHERE tenant_id = ? "
                + "ORDER BY hour_start", tenant)) {
            out.add(new Dirty(r.get(0, OffsetDateTime.class).toInstant(), r.get(1, OffsetDateTime.class).toInstant(),
                    r.get(2, OffsetDateTime.class).toInstant(), r.get(3, Long.class)));
        }
        return out;
    }

    /** Deletes a late-data row if nobody merged into it since it was read; true when deleted. */
    public boolean clearDirty(DSLContext tx, UUID tenant, Dirty d) {
        return tx.execute("DELETE FROM rollup_dirty WHERE tenant_id = ? AND hour_start = CAST(? AS timestamptz) AND version = ?",
                tenant, odt(d.hourStart()), d.version()) == 1;
    }

    /** Oldest watermark per tier over all tenants (rollup lag), empty when no tenant has one yet. */
    public Optional<Instant> oldestWatermark(String tier) {
        Record r = dsl.fetchOne("SELECT min(watermark) FROM rollup_watermarks WHERE tier = ?", tier);
        OffsetDateTime t = r == null ? null : r.get(0, OffsetDateTime.class);
        return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
    }

    /** Number of late-data rows waiting. */
    public int dirtyRows() {
        return dsl.fetchOne("SELECT count(*) FROM rollup_dirty").get(0, Integer.class);
    }

    static OffsetDateTime odt(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }
}
