package io.tenantry.quota.usage;

import org.jooq.DSLContext;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The hard cap at the broker (issue 10): a tenant whose field values <i>received</i> today (stored + refused by the
 * quota, from {@code usage_day}) reach {@code factor} (default 2.0 = 200 %) of its current daily budget is blocked
 * ({@code quota_blocks}, Flyway V7_1): an outbox entry of kind {@code quota.broker} makes provisioning-api drop its
 * devices' publish right (BrokerSync derives the ACL from the block, so the reconciler keeps it). The block is lifted
 * — row deleted, another outbox entry, publish right restored — once its UTC day has passed or the budget was raised
 * (plan upgrade or override) so that the day's received values are under the factor again. Set and lift happen in
 * one transaction with their outbox entry. Runs after each roll-up (every 10 s).
 */
public final class BrokerHardCap {
    private static final Logger log = LoggerFactory.getLogger(BrokerHardCap.class);
    /** The outbox kind provisioning-api's broker feature handles. */
    public static final String OUTBOX_KIND = "quota.broker";

    private final DSLContext dsl;
    private final Clock clock;
    private final double factor;

    /** @param factor multiple of the daily budget received that blocks publishing (2.0) */
    public BrokerHardCap(DSLContext dsl, Clock clock, double factor) {
        this.dsl = dsl;
        this.clock = clock;
        this.factor = factor;
    }

    /** What one run changed. */
    public record Result(int blocked, int lifted) {
    }

    /** Sets and lifts blocks. */
    public Result evaluate() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        int blocked = 0;
        int lifted = 0;
        for (Record r : dsl.fetch("""
                SELECT d.tenant_id, d.field_values + d.refused_field_values AS received,
                       COALESCE(o.points_per_minute, p.points_per_minute)::bigint * 1440 AS budget, t.plan,
                       b.tenant_id IS NOT NULL AS blocked
                FROM usage_day d JOIN tenants t ON t.id = d.tenant_id JOIN plans p ON p.code = t.plan
                LEFT JOIN tenant_plan_overrides o ON o.tenant_id = t.id
                LEFT JOIN quota_blocks b ON b.tenant_id = d.tenant_id AND b.day = d.day
                WHERE d.day = ?::date""", today)) {
            UUID tenant = r.get(0, UUID.class);
            long received = r.get(1, Long.class);
            long budget = r.get(2, Long.class);
            boolean over = received >= budget * factor;
            if (over && !r.get(4, Boolean.class)) {
                String detail = "limit broker_hard_cap: " + Math.round(factor * 100) + " % of the daily budget " + budget
                        + " field values, current " + received + " received (stored + refused), plan " + r.get(3, String.class)
                        + "; publishing blocked until " + today.plusDays(1) + "T00:00Z or a plan upgrade";
                blocked += dsl.transactionResult(c -> {
                    int n = c.dsl().execute("""
                            INSERT INTO quota_blocks (tenant_id, day, detail, created_at) VALUES (?, ?::date, ?, now())
                            ON CONFLICT (tenant_id) DO UPDATE SET day = EXCLUDED.day, detail = EXCLUDED.detail,
                                created_at = EXCLUDED.created_at WHERE quota_blocks.day < EXCLUDED.day""",
                            tenant, today, detail);
                    if (n > 0) {
                        outbox(c.dsl(), tenant);
                    }
                    return n;
                });
                log.warn("tenant {}: {}", tenant, detail);
            } else if (!over && r.get(4, Boolean.class)) {
                lifted += lift(tenant, "budget raised to " + budget);
            }
        }
        for (Record r : dsl.fetch("SELECT tenant_id FROM quota_blocks WHERE day < ?::date", today)) {
            lifted += lift(r.get(0, UUID.class), "day over");
        }
        return new Result(blocked, lifted);
    }

    private int lift(UUID tenant, String why) {
        int n = dsl.transactionResult(c -> {
            int d = c.dsl().execute("DELETE FROM quota_blocks WHERE tenant_id = ?", tenant);
            if (d > 0) {
                outbox(c.dsl(), tenant);
            }
            return d;
        });
        if (n > 0) {
            log.info("tenant {}: broker quota block lifted ({})", tenant, why);
        }
        return n;
    }

    private static void outbox(DSLContext tx, UUID tenant) {
        tx.execute("""
                INSERT INTO outbox (kind, tenant_id, aggregate_id, created_at, attempts, next_attempt_at)
                VALUES (?, ?, ?, ?::timestamptz, 0, ?::timestamptz)""",
                OUTBOX_KIND, tenant, tenant.toString(), OffsetDateTime.now(ZoneOffset.UTC), OffsetDateTime.now(ZoneOffset.UTC));
    }
}
