package io.tenantry.quota.usage;

import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.core.error.NotFoundException;
import io.tenantry.core.id.TenantId;
import org.jooq.DSLContext;
import org.jooq.Record;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the billing rows (usage_minute, usage_day, plans with prices, tenant_plan_overrides; Flyway V7) for the
 * usage and billing endpoints (issue 10, note 003 §13, §15 step 2). Figures are exactly the stored rows: a period's
 * field values are those ingest handed off durably in it (UTC, by hand-off minute).
 */
public final class UsageQueries {
    /** Longest minute-granularity range (one week: 10,080 rows). */
    static final Duration MAX_MINUTE_RANGE = Duration.ofDays(7);
    /** Longest day-granularity range. */
    static final Duration MAX_DAY_RANGE = Duration.ofDays(400);

    private final DSLContext dsl;
    private final Clock clock;

    public UsageQueries(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /**
     * One period of a tenant's usage.
     *
     * @param start              period start (UTC)
     * @param fieldValues        field values stored (the unit of the plan's rate)
     * @param points             points stored
     * @param messages           messages with points stored
     * @param quotaPercent       field values as % of the period's budget (rate × 1,440 per day, rate per minute)
     * @param refusedFieldValues field values the quota refused
     * @param rejected           reason → messages refused (dead letters and quota refusals)
     * @param devicesActive      devices seen in the 24 h before the day's end (day rows only)
     * @param latencyP95Ms       publish→stored p95, ms (bucket upper bound, within 25 %)
     * @param cardinalitySeries  series in InfluxDB (day rows, when measured)
     * @param storageBytes       storage estimate (day rows, when measured)
     */
    public record Period(Instant start, long fieldValues, long points, long messages, BigDecimal quotaPercent,
                         long refusedFieldValues, Map<String, Long> rejected, Integer devicesActive, Long latencyP95Ms,
                         Long cardinalitySeries, Long storageBytes) {
    }

    /** The answer of {@code GET /api/v1/tenants/{id}/usage}. */
    public record TenantUsage(UUID tenantId, String plan, long pointsPerMinute, long dailyBudget, Instant from,
                              Instant to, String granularity, long fieldValues, long points, long messages,
                              long refusedFieldValues, List<Period> periods, long alertsFired) {
    }

    /**
     * @param from        inclusive; ISO instant or date ({@code 2026-11-30} = its UTC midnight); default: 30 days
     *                    (day) or 60 minutes (minute) before {@code to}
     * @param to          exclusive; default now (rounded up to the next day / minute)
     * @param granularity {@code day} (default) or {@code minute}
     * @throws InvalidInputException field by field for a bad parameter or range
     * @throws NotFoundException     when the tenant does not exist
     */
    public TenantUsage tenantUsage(TenantId tenant, String from, String to, String granularity) {
        String g = granularity == null || granularity.isBlank() ? "day" : granularity;
        List<FieldError> errors = new ArrayList<>();
        if (!g.equals("day") && !g.equals("minute")) {
            errors.add(new FieldError("granularity", "must be day or minute", granularity));
        }
        Instant t = parse("to", to, errors);
        Instant f = parse("from", from, errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException("quota:usage.invalid", "invalid usage query", errors);
        }
        boolean minute = g.equals("minute");
        Duration unit = minute ? Duration.ofMinutes(1) : Duration.ofDays(1);
        if (t == null) {
            Instant now = clock.instant();
            long u = unit.toMillis();
            t = Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), u) * u + u);
        }
        if (f == null) {
            f = t.minus(minute ? Duration.ofMinutes(60) : Duration.ofDays(30));
        }
        if (!f.isBefore(t)) {
            errors.add(new FieldError("from", "must be before to", from));
        } else if (Duration.between(f, t).compareTo(minute ? MAX_MINUTE_RANGE : MAX_DAY_RANGE) > 0) {
            errors.add(new FieldError("to", "range longer than " + (minute ? "7 days for minute" : "400 days for day")
                    + " granularity", to));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("quota:usage.invalid", "invalid usage query", errors);
        }
        Record plan = dsl.fetchOne("""
                SELECT t.plan, COALESCE(o.points_per_minute, p.points_per_minute)::bigint AS ppm
                FROM tenants t JOIN plans p ON p.code = t.plan
                LEFT JOIN tenant_plan_overrides o ON o.tenant_id = t.id WHERE t.id = ?""", tenant.value());
        if (plan == null) {
            throw new NotFoundException("provisioning:tenant.not-found", "tenant " + tenant + " not found");
        }
        long ppm = plan.get(1, Long.class);
        List<Period> periods = new ArrayList<>();
        long fv = 0, pts = 0, msgs = 0, refused = 0;
        if (minute) {
            for (Record r : dsl.fetch("""
                    SELECT minute, field_values, points, messages, refused_field_values, rejected::text, latency_p95_ms
                    FROM usage_minute WHERE tenant_id = ? AND minute >= ?::timestamptz AND minute < ?::timestamptz ORDER BY minute""",
                    tenant.value(), f.atOffset(ZoneOffset.UTC), t.atOffset(ZoneOffset.UTC))) {
                long v = r.get(1, Long.class);
                periods.add(new Period(r.get(0, OffsetDateTime.class).toInstant(), v, r.get(2, Long.class),
                        r.get(3, Long.class), percent(v, ppm), r.get(4, Long.class),
                        Counts.parseRejected(r.get(5, String.class)), null, r.get(6, Long.class), null, null));
            }
        } else {
            for (Record r : dsl.fetch("""
                    SELECT day, field_values, points, messages, refused_field_values, rejected::text, latency_p95_ms,
                           budget_field_values, devices_active, cardinality_series, storage_bytes
                    FROM usage_day WHERE tenant_id = ? AND day >= ?::date AND day < ?::date ORDER BY day""",
                    tenant.value(), LocalDate.ofInstant(f, ZoneOffset.UTC), ceilDay(t))) {
                long v = r.get(1, Long.class);
                periods.add(new Period(r.get(0, LocalDate.class).atStartOfDay(ZoneOffset.UTC).toInstant(), v,
                        r.get(2, Long.class), r.get(3, Long.class), percent(v, r.get(7, Long.class)), r.get(4, Long.class),
                        Counts.parseRejected(r.get(5, String.class)), r.get(8, Integer.class), r.get(6, Long.class),
                        r.get(9, Long.class), r.get(10, Long.class)));
            }
        }
        for (Period p : periods) {
            fv += p.fieldValues();
            pts += p.points();
            msgs += p.messages();
            refused += p.refusedFieldValues();
        }
        // alert events fired in [from, to) (alert-engine, table alert_events, Flyway V9; note 003 §9 alerts_fired)
        Long fired = dsl.fetchOne("SELECT count(*) FROM alert_events WHERE tenant_id = ? AND kind = 'fired'"
                + " AND at >= ?::timestamptz AND at < ?::timestamptz", tenant.value(),
                f.atOffset(java.time.ZoneOffset.UTC), t.atOffset(java.time.ZoneOffset.UTC)).get(0, Long.class);
        return new TenantUsage(tenant.value(), plan.get(0, String.class), ppm, ppm * 1440, f, t, g, fv, pts, msgs,
                refused, periods, fired == null ? 0 : fired);
    }

    /**
     * One tenant's bill for a month (note 003 §13: plan base + overages). Field values over the month's budget
     * (rate × 1,440 × days of the month) cost {@code overage_per_million_cents} per million, prorated and rounded
     * half-up to the cent; devices over {@code max_devices} (the month's highest {@code devices_active}) cost
     * {@code overage_per_device_cents} each. Plan and limits are the tenant's current ones (overrides included).
     */
    public record BillingLine(UUID tenantId, String slug, String status, String plan, String currency,
                              long basePriceCents, long fieldValues, long budgetFieldValues, long overageFieldValues,
                              long overageFieldValuesCents, int devicesActiveMax, int maxDevices, int overageDevices,
                              long overageDevicesCents, long amountCents) {
    }

    /** Every tenant's bill for {@code month} ({@code YYYY-MM}). */
    public List<BillingLine> billing(String month) {
        YearMonth m = month(month);
        LocalDate first = m.atDay(1);
        LocalDate next = m.plusMonths(1).atDay(1);
        List<BillingLine> out = new ArrayList<>();
        for (Record r : dsl.fetch("""
                SELECT t.id, t.slug, t.status, t.plan, p.currency, p.base_price_cents,
                       COALESCE(o.points_per_minute, p.points_per_minute)::bigint AS ppm,
                       COALESCE(o.max_devices, p.max_devices) AS max_devices,
                       p.overage_per_million_cents, p.overage_per_device_cents,
                       COALESCE(u.fv, 0)::bigint AS fv, COALESCE(u.dev, 0)::int AS dev
                FROM tenants t JOIN plans p ON p.code = t.plan
                LEFT JOIN tenant_plan_overrides o ON o.tenant_id = t.id
                LEFT JOIN (SELECT tenant_id, SUM(field_values) AS fv, MAX(devices_active) AS dev FROM usage_day
                           WHERE day >= ?::date AND day < ?::date GROUP BY tenant_id) u ON u.tenant_id = t.id
                WHERE t.created_at < ?::timestamptz ORDER BY t.slug""",
                first, next, next.atStartOfDay(ZoneOffset.UTC).toOffsetDateTime())) {
            long budget = r.get("ppm", Long.class) * 1440L * m.lengthOfMonth();
            long fv = r.get("fv", Long.class);
            long overFv = Math.max(0, fv - budget);
            long fvCents = BigDecimal.valueOf(overFv).multiply(BigDecimal.valueOf(r.get("overage_per_million_cents", Long.class)))
                    .divide(BigDecimal.valueOf(1_000_000), 0, RoundingMode.HALF_UP).longValueExact();
            int dev = r.get("dev", Integer.class);
            int maxDev = r.get("max_devices", Integer.class);
            int overDev = Math.max(0, dev - maxDev);
            long devCents = overDev * r.get("overage_per_device_cents", Long.class);
            long base = r.get("base_price_cents", Long.class);
            out.add(new BillingLine(r.get("id", UUID.class), r.get("slug", String.class), r.get("status", String.class),
                    r.get("plan", String.class), r.get("currency", String.class), base, fv, budget, overFv, fvCents,
                    dev, maxDev, overDev, devCents, base + fvCents + devCents));
        }
        return out;
    }

    /** MRR of one plan. */
    public record PlanRevenue(String plan, int tenants, long baseCents, long overageCents, long amountCents) {
    }

    /** {@code GET /api/v1/billing/mrr}: Σ(plan base + overages) over ACTIVE tenants, by plan. */
    public record Mrr(String month, String currency, long mrrCents, long baseCents, long overageCents,
                      List<PlanRevenue> byPlan) {
    }

    /** MRR of {@code month} from {@link #billing} (ACTIVE tenants only). */
    public Mrr mrr(String month) {
        Map<String, long[]> by = new LinkedHashMap<>();
        String currency = "USD";
        long base = 0, over = 0;
        for (BillingLine l : billing(month)) {
            if (!"ACTIVE".equals(l.status())) {
                continue;
            }
            currency = l.currency();
            long o = l.overageFieldValuesCents() + l.overageDevicesCents();
            long[] a = by.computeIfAbsent(l.plan(), k -> new long[3]);
            a[0]++;
            a[1] += l.basePriceCents();
            a[2] += o;
            base += l.basePriceCents();
            over += o;
        }
        List<PlanRevenue> plans = new ArrayList<>();
        by.forEach((p, a) -> plans.add(new PlanRevenue(p, (int) a[0], a[1], a[2], a[1] + a[2])));
        return new Mrr(month(month).toString(), currency, base + over, base, over, plans);
    }

    /** An upgrade recommendation (note 003 §8). */
    public record Recommendation(long id, LocalDate streakStart, OffsetDateTime createdAt, String plan, String suggested,
                                 String detail) {
    }

    /** The tenant's recommendations, newest first. */
    public List<Recommendation> recommendations(TenantId tenant) {
        return dsl.fetch("""
                SELECT id, streak_start, created_at, plan, suggested, detail FROM upgrade_recommendations
                WHERE tenant_id = ? ORDER BY id DESC""", tenant.value())
                .map(r -> new Recommendation(r.get(0, Long.class), r.get(1, LocalDate.class),
                        r.get(2, OffsetDateTime.class), r.get(3, String.class), r.get(4, String.class),
                        r.get(5, String.class)));
    }

    private static YearMonth month(String month) {
        try {
            return YearMonth.parse(month == null ? "" : month);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("quota:billing.invalid", "invalid month",
                    List.of(new FieldError("month", "must be YYYY-MM", month)));
        }
    }

    private static LocalDate ceilDay(Instant t) {
        LocalDate d = LocalDate.ofInstant(t, ZoneOffset.UTC);
        return d.atStartOfDay(ZoneOffset.UTC).toInstant().equals(t) ? d : d.plusDays(1);
    }

    private static BigDecimal percent(long used, long budget) {
        if (budget <= 0) {
            return null;
        }
        return BigDecimal.valueOf(used * 100.0 / budget).setScale(2, RoundingMode.HALF_UP);
    }

    private static Instant parse(String name, String v, List<FieldError> errors) {
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                errors.add(new FieldError(name, "must be an ISO-8601 instant (2026-11-30T00:00:00Z) or date (2026-11-30)", v));
                return null;
            }
        }
    }
}
