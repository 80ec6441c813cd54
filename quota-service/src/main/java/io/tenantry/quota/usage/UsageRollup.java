package io.tenantry.quota.usage;

import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.Point;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TimeSeriesWriter;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Aggregates ingest's per-process counters ({@code ingest_usage}, Flyway V7) into the billing rows
 * {@code usage_minute} and {@code usage_day} (issue 10, "Metering"; source of truth for invoices) and writes the
 * minute figures to the {@code platform_metrics} bucket (note 003 §9 names, tagged {@code locatario_id}).
 * <p>
 * Idempotent: a run re-aggregates every (tenant, minute) whose ingest rows changed within {@code lookback}, from
 * <i>all</i> instances' rows of that minute, and overwrites the minute row; then recomputes each touched day from
 * its minute rows. Running it twice, or on two quota-service instances, gives the same rows; InfluxDB points are
 * keyed by minute and tenant, so a rewrite overwrites them.
 * <p>
 * Day rows carry the plan and daily budget in force when the day was last rolled up (field values/min × 1,440, a
 * per-tenant override included), and {@code devices_active}: devices whose {@code last_seen_at} lies within the
 * 24 h before the day's end (or before now, for today).
 * <p>
 * Not metered here: {@code alerts_fired} (the alert engine is being built separately; its {@code alert_events}
 * table is not in this schema yet), and {@code cardinality_series} / {@code storage_bytes} are filled by
 * {@link #rollup} from InfluxDB only when a query port is given (see {@link SeriesStats}).
 */
public final class UsageRollup {
    private static final Logger log = LoggerFactory.getLogger(UsageRollup.class);

    private final DSLContext dsl;
    private final TimeSeriesWriter metrics;
    private final SeriesStats seriesStats;
    private final Clock clock;

    /**
     * @param dsl         jOOQ over the app role
     * @param metrics     writer with WRITE on {@code platform_metrics}, or null to skip InfluxDB
     * @param seriesStats series cardinality and storage estimate per tenant, or null
     * @param clock       wall clock (today, devices_active)
     */
    public UsageRollup(DSLContext dsl, TimeSeriesWriter metrics, SeriesStats seriesStats, Clock clock) {
        this.dsl = dsl;
        this.metrics = metrics;
        this.seriesStats = seriesStats;
        this.clock = clock;
    }

    /** What one run did. */
    public record Result(int minutes, int days) {
    }

    /**
     * Rolls up what changed in ingest within {@code lookback}.
     *
     * @return the number of minute and day rows written
     */
    public Result rollup(Duration lookback) {
        OffsetDateTime since = OffsetDateTime.now(clock).minus(lookback);
        Map<TenantMinute, Counts> minutes = new LinkedHashMap<>();
        for (Record r : dsl.fetch("""
                SELECT u.tenant_id, u.minute, u.messages, u.points, u.field_values, u.refused_field_values,
                       u.rejected::text, u.latency_hist
                FROM ingest_usage u
                WHERE (u.tenant_id, u.minute) IN (SELECT tenant_id, minute FROM ingest_usage WHERE updated_at > ?::timestamptz)
                ORDER BY u.minute""", since)) {
            TenantMinute k = new TenantMinute(r.get(0, UUID.class), r.get(1, OffsetDateTime.class).toInstant());
            minutes.computeIfAbsent(k, x -> new Counts()).add(r.get(2, Long.class), r.get(3, Long.class),
                    r.get(4, Long.class), r.get(5, Long.class), Counts.parseRejected(r.get(6, String.class)),
                    (Long[]) r.get(7));
        }
        List<String> lines = new ArrayList<>();
        Map<UUID, Set<LocalDate>> days = new HashMap<>();
        for (var e : minutes.entrySet()) {
            Counts c = e.getValue();
            UUID t = e.getKey().tenant();
            dsl.execute("""
                    INSERT INTO usage_minute (tenant_id, minute, messages, points, field_values, refused_field_values,
                        rejected, latency_hist, latency_p95_ms)
                    VALUES (?, ?::timestamptz, ?, ?, ?, ?, ?::jsonb, ?, ?)
                    ON CONFLICT (tenant_id, minute) DO UPDATE SET messages = EXCLUDED.messages, points = EXCLUDED.points,
                        field_values = EXCLUDED.field_values, refused_field_values = EXCLUDED.refused_field_values,
                        rejected = EXCLUDED.rejected, latency_hist = EXCLUDED.latency_hist,
                        latency_p95_ms = EXCLUDED.latency_p95_ms""",
                    t, e.getKey().minute().atOffset(ZoneOffset.UTC), c.messages, c.points, c.fieldValues,
                    c.refusedFieldValues, c.rejectedJson(), c.boxedHist(), c.p95());
            days.computeIfAbsent(t, x -> new java.util.TreeSet<>()).add(LocalDate.ofInstant(e.getKey().minute(), ZoneOffset.UTC));
            long ns = e.getKey().minute().toEpochMilli() * 1_000_000L;
            lines.add(line("ingest_points_min", t, c.fieldValues, ns));
            if (c.p95() != null) {
                lines.add(line("ingest_latency_p95", t, c.p95(), ns));
            }
            // refusals by reason (dead letters and quota), for the tenant's overview dashboard (issue 14)
            c.rejected.forEach((reason, n) -> lines.add(LineProtocol.toLine(new Point("ingest_rejected",
                    new TreeMap<>(Map.of(SharedBuckets.TENANT_TAG, t.toString(), "reason", reason)), Map.of("value", n), ns))));
        }
        // alerts_fired (note 003 §9): alert events fired per tenant and minute (alert-engine's alert_events, Flyway V9)
        // within the look-back, rewritten with the full count of the minute on every run; an event recorded with an
        // older time (a replay with record=true) is not metered here
        for (Record r : dsl.fetch("SELECT tenant_id, date_trunc('minute', at) AS m, count(*) FROM alert_events"
                + " WHERE kind = 'fired' AND at >= date_trunc('minute', ?::timestamptz) GROUP BY 1, 2", since)) {
            lines.add(line("alerts_fired", r.get(0, UUID.class), r.get(2, Long.class),
                    r.get(1, OffsetDateTime.class).toInstant().toEpochMilli() * 1_000_000L));
        }
        int dayRows = 0;
        Instant now = clock.instant();
        for (var e : days.entrySet()) {
            for (LocalDate d : e.getValue()) {
                dayRows += rollupDay(e.getKey(), d, now, lines);
            }
        }
        if (metrics != null && !lines.isEmpty()) {
            try {
                metrics.write(SharedBuckets.PLATFORM_METRICS, lines);
            } catch (RuntimeException ex) {
                // PostgreSQL holds the billing rows; the next run that touches these minutes rewrites them
                log.warn("platform_metrics write of {} point(s) failed: {}", lines.size(), ex.getMessage());
            }
        }
        return new Result(minutes.size(), dayRows);
    }

    /**
     * Deletes rows that were rolled up long ago: {@code ingest_usage} older than {@code ingestRows} (its minutes are in
     * usage_minute; ingest only rewrites the current minute) and {@code usage_minute} older than {@code minuteRows}
     * (the day rows, kept for good, are the billing record). Called by the roll-up job.
     *
     * @return rows deleted
     */
    public int purge(Duration ingestRows, Duration minuteRows) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return dsl.execute("DELETE FROM ingest_usage WHERE minute < ?::timestamptz", now.minus(ingestRows))
                + dsl.execute("DELETE FROM usage_minute WHERE minute < ?::timestamptz", now.minus(minuteRows));
    }

    /** Recomputes one day row from its minute rows. */
    int rollupDay(UUID tenant, LocalDate day, Instant now, List<String> lines) {
        Instant from = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = from.plus(Duration.ofDays(1));
        Counts c = new Counts();
        for (Record r : dsl.fetch("""
                SELECT messages, points, field_values, refused_field_values, rejected::text, latency_hist
                FROM usage_minute WHERE tenant_id = ? AND minute >= ?::timestamptz AND minute < ?::timestamptz""",
                tenant, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC))) {
            c.add(r.get(0, Long.class), r.get(1, Long.class), r.get(2, Long.class), r.get(3, Long.class),
                    Counts.parseRejected(r.get(4, String.class)), (Long[]) r.get(5));
        }
        Record plan = dsl.fetchOne("""
                SELECT t.plan, COALESCE(o.points_per_minute, p.points_per_minute)::bigint * 1440 AS budget
                FROM tenants t JOIN plans p ON p.code = t.plan
                LEFT JOIN tenant_plan_overrides o ON o.tenant_id = t.id WHERE t.id = ?""", tenant);
        if (plan == null) {
            return 0; // tenant deleted: keep the day row it has
        }
        Instant end = to.isBefore(now) ? to : now;
        Integer active = dsl.fetchOne("""
                SELECT count(*)::int FROM devices WHERE tenant_id = ? AND last_seen_at > ?::timestamptz AND last_seen_at <= ?::timestamptz""",
                tenant, end.minus(Duration.ofDays(1)).atOffset(ZoneOffset.UTC), end.atOffset(ZoneOffset.UTC))
                .get(0, Integer.class);
        SeriesStats.Stats stats = seriesStats == null || !day.equals(LocalDate.ofInstant(now, ZoneOffset.UTC)) ? null
                : seriesStats.of(tenant);
        dsl.execute("""
                INSERT INTO usage_day (tenant_id, day, plan, budget_field_values, messages, points, field_values,
                    refused_field_values, rejected, latency_hist, latency_p95_ms, devices_active, cardinality_series,
                    storage_bytes)
                VALUES (?, ?::date, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)
                ON CONFLICT (tenant_id, day) DO UPDATE SET plan = EXCLUDED.plan,
                    budget_field_values = EXCLUDED.budget_field_values, messages = EXCLUDED.messages,
                    points = EXCLUDED.points, field_values = EXCLUDED.field_values,
                    refused_field_values = EXCLUDED.refused_field_values, rejected = EXCLUDED.rejected,
                    latency_hist = EXCLUDED.latency_hist, latency_p95_ms = EXCLUDED.latency_p95_ms,
                    devices_active = GREATEST(usage_day.devices_active, EXCLUDED.devices_active),
                    cardinality_series = COALESCE(EXCLUDED.cardinality_series, usage_day.cardinality_series),
                    storage_bytes = COALESCE(EXCLUDED.storage_bytes, usage_day.storage_bytes)""",
                tenant, day, plan.get(0, String.class), plan.get(1, Long.class), c.messages, c.points, c.fieldValues,
                c.refusedFieldValues, c.rejectedJson(), c.boxedHist(), c.p95(), active,
                stats == null ? null : stats.series(), stats == null ? null : stats.bytes());
        long ns = Math.min(end.toEpochMilli(), to.toEpochMilli() - 1) * 1_000_000L;
        lines.add(line("devices_active", tenant, active, ns));
        if (stats != null) {
            lines.add(line("cardinality_series", tenant, stats.series(), ns));
            lines.add(line("storage_bytes", tenant, stats.bytes(), ns));
        }
        return 1;
    }

    private static String line(String measurement, UUID tenant, long value, long nanos) {
        return LineProtocol.toLine(new Point(measurement, new TreeMap<>(Map.of(SharedBuckets.TENANT_TAG, tenant.toString())),
                Map.of("value", value), nanos));
    }

    private record TenantMinute(UUID tenant, Instant minute) {
    }
}
