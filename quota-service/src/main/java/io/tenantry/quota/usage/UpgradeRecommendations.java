package io.tenantry.quota.usage;

import org.jooq.DSLContext;
import org.jooq.Record;

import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Note 003 §8: a tenant above {@value #THRESHOLD_PERCENT} % of its daily budget on {@value #DAYS} consecutive
 * complete UTC days gets one upgrade recommendation ({@code upgrade_recommendations}, Flyway V7) per streak: the
 * row is keyed by the streak's first day, so a streak that goes on, or a second evaluation, adds nothing. A day
 * counts with the budget stored in its {@code usage_day} row. The suggestion is the next plan by field values/min
 * (none above ENTERPRISE). Visible to the tenant's members and platform admins
 * ({@code GET /api/v1/tenants/{id}/recommendations}); delivery as a notification waits for the alert engine.
 */
public final class UpgradeRecommendations {
    static final int THRESHOLD_PERCENT = 90;
    static final int DAYS = 3;

    private final DSLContext dsl;
    private final Clock clock;

    /** @param clock decides which days are complete (before today, UTC) */
    public UpgradeRecommendations(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /** @return recommendations created by this run */
    public int evaluate() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        int created = 0;
        UUID current = null;
        List<Record> days = new ArrayList<>();
        for (Record r : dsl.fetch("""
                SELECT tenant_id, day, field_values, budget_field_values, plan FROM usage_day
                WHERE day < ?::date AND day >= ?::date ORDER BY tenant_id, day DESC""", today, today.minusDays(62))) {
            UUID t = r.get(0, UUID.class);
            if (!t.equals(current)) {
                created += evaluate(current, days, today);
                current = t;
                days = new ArrayList<>();
            }
            days.add(r);
        }
        created += evaluate(current, days, today);
        return created;
    }

    private int evaluate(UUID tenant, List<Record> newestFirst, LocalDate today) {
        if (tenant == null) {
            return 0;
        }
        LocalDate expected = today.minusDays(1);
        LocalDate start = null;
        int streak = 0;
        long sum = 0;
        String plan = null;
        for (Record r : newestFirst) {
            LocalDate d = r.get(1, LocalDate.class);
            long used = r.get(2, Long.class);
            long budget = r.get(3, Long.class);
            if (!d.equals(expected) || budget <= 0 || used * 100 < budget * THRESHOLD_PERCENT) {
                break;
            }
            plan = plan == null ? r.get(4, String.class) : plan;
            streak++;
            sum += used * 100 / budget;
            start = d;
            expected = d.minusDays(1);
        }
        if (streak < DAYS) {
            return 0;
        }
        String suggested = dsl.fetchOne("""
                SELECT code FROM plans WHERE points_per_minute > (SELECT points_per_minute FROM plans WHERE code = ?)
                ORDER BY points_per_minute LIMIT 1""", plan) instanceof Record s ? s.get(0, String.class) : null;
        return dsl.execute("""
                INSERT INTO upgrade_recommendations (tenant_id, streak_start, created_at, plan, suggested, detail)
                VALUES (?, ?::date, ?::timestamptz, ?, ?, ?) ON CONFLICT (tenant_id, streak_start) DO NOTHING""",
                tenant, start, OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)), plan, suggested,
                "above " + THRESHOLD_PERCENT + " % of the daily budget on " + streak + " consecutive days from " + start
                        + " (average " + sum / streak + " %) on plan " + plan
                        + (suggested == null ? "" : "; plan " + suggested + " would fit"));
    }
}
