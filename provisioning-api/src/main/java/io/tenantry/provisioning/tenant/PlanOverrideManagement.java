package io.tenantry.provisioning.tenant;

import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.core.error.NotFoundException;
import io.tenantry.core.id.TenantId;
import io.tenantry.provisioning.audit.AuditLog;
import io.tenantry.provisioning.outbox.Outbox;
import io.tenantry.web.auth.Actor;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-tenant overrides of plan limits (issue 10; as Mimir's per-tenant overrides or ThingsBoard's tenant profiles),
 * table {@code tenant_plan_overrides} (Flyway V7). Platform admins set or clear them; every change is audited
 * ({@code tenant.plan-overrides}) and announced to the directory (NOTIFY) in the same transaction. A null value
 * means "the plan's". Enforced today: {@code pointsPerMinute} (ingest's daily budget and burst guard, within its
 * 2 s refresh) and {@code maxDevices} (device creation); the others are kept for the features that will enforce
 * them (retention, alert rules, dashboards).
 */
@Service
public class PlanOverrideManagement {
    /** The limits that may be overridden, as JSON names → columns. */
    static final Map<String, String> COLUMNS = Map.of("maxDevices", "max_devices", "pointsPerMinute", "points_per_minute",
            "rawRetentionDays", "raw_retention_days", "aggregatedRetentionDays", "aggregated_retention_days",
            "maxActiveAlerts", "max_active_alerts", "maxDashboards", "max_dashboards");

    private final DSLContext dsl;
    private final AuditLog audit;
    private final Outbox outbox;
    private final Clock clock;

    public PlanOverrideManagement(DSLContext dsl, AuditLog audit, Outbox outbox, Clock clock) {
        this.dsl = dsl;
        this.audit = audit;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * A tenant's limits: the plan's, the overrides, and the effective values.
     *
     * @param plan      plan code
     * @param planLimits the plan's values
     * @param overrides the tenant's overrides (only those set)
     * @param effective what applies
     */
    public record Limits(String plan, Map<String, Integer> planLimits, Map<String, Integer> overrides,
                         Map<String, Integer> effective) {
    }

    /**
     * Reads the tenant's limits (its members and platform admins).
     *
     * @throws NotFoundException for an unknown or foreign tenant
     */
    public Limits get(Actor actor, TenantId tenant) {
        actor.requireVisible(tenant);
        return read(dsl, tenant);
    }

    /**
     * Replaces the tenant's overrides (platform admins): every limit given non-null is set, every other one cleared.
     *
     * @param values JSON name → value; names outside {@link #COLUMNS} and negative values (zero retention) are refused
     *               field by field
     * @throws InvalidInputException {@code provisioning:plan-overrides.invalid}
     */
    public Limits set(Actor actor, String requestId, TenantId tenant, Map<String, Integer> values) {
        actor.requireVisible(tenant);
        actor.requirePlatformAdmin();
        List<FieldError> errors = new ArrayList<>();
        values.forEach((k, v) -> {
            if (!COLUMNS.containsKey(k)) {
                errors.add(new FieldError(k, "unknown limit; one of " + new java.util.TreeSet<>(COLUMNS.keySet()), v));
            } else if (v != null && (v < 0 || (k.endsWith("RetentionDays") && v == 0) || v > 100_000_000)) {
                errors.add(new FieldError(k, k.endsWith("RetentionDays") ? "must be 1 to 100000000"
                        : "must be 0 to 100000000", v));
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidInputException("provisioning:plan-overrides.invalid", "the overrides are invalid", errors);
        }
        return dsl.transactionResult(c -> {
            DSLContext tx = c.dsl();
            if (tx.fetchOne("SELECT 1 FROM tenants WHERE id = ? FOR UPDATE", tenant.value()) == null) {
                throw new NotFoundException("provisioning:tenant.not-found", "tenant " + tenant + " not found");
            }
            Map<String, Integer> set = new LinkedHashMap<>();
            new java.util.TreeMap<>(values).forEach((k, v) -> {
                if (v != null) {
                    set.put(k, v);
                }
            });
            if (set.isEmpty()) {
                tx.execute("DELETE FROM tenant_plan_overrides WHERE tenant_id = ?", tenant.value());
            } else {
                tx.execute("""
                        INSERT INTO tenant_plan_overrides (tenant_id, max_devices, points_per_minute, raw_retention_days,
                            aggregated_retention_days, max_active_alerts, max_dashboards, updated_at, updated_by)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?::timestamptz, ?)
                        ON CONFLICT (tenant_id) DO UPDATE SET max_devices = EXCLUDED.max_devices,
                            points_per_minute = EXCLUDED.points_per_minute, raw_retention_days = EXCLUDED.raw_retention_days,
                            aggregated_retention_days = EXCLUDED.aggregated_retention_days,
                            max_active_alerts = EXCLUDED.max_active_alerts, max_dashboards = EXCLUDED.max_dashboards,
                            updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by""",
                        tenant.value(), set.get("maxDevices"), set.get("pointsPerMinute"), set.get("rawRetentionDays"),
                        set.get("aggregatedRetentionDays"), set.get("maxActiveAlerts"), set.get("maxDashboards"),
                        OffsetDateTime.now(clock), actor.subject());
            }
            Map<String, String> details = new LinkedHashMap<>();
            set.forEach((k, v) -> details.put(k, String.valueOf(v)));
            if (details.isEmpty()) {
                details.put("cleared", "all");
            }
            audit.append(tx, actor, tenant, "tenant.plan-overrides", "tenant:" + tenant, requestId, details);
            outbox.notifyDirectory(tx, tenant);
            return read(tx, tenant);
        });
    }

    /** The effective device limit (override, else the plan's), for the device-count check. */
    static Integer effectiveMaxDevices(DSLContext ctx, TenantId tenant) {
        Record r = ctx.fetchOne("SELECT max_devices FROM tenant_plan_overrides WHERE tenant_id = ?", tenant.value());
        return r == null ? null : r.get(0, Integer.class);
    }

    private static Limits read(DSLContext ctx, TenantId tenant) {
        Record r = ctx.fetchOne("""
                SELECT t.plan, p.max_devices, p.points_per_minute, p.raw_retention_days, p.aggregated_retention_days,
                       p.max_active_alerts, p.max_dashboards, o.max_devices AS o_max_devices,
                       o.points_per_minute AS o_points_per_minute, o.raw_retention_days AS o_raw_retention_days,
                       o.aggregated_retention_days AS o_aggregated_retention_days,
                       o.max_active_alerts AS o_max_active_alerts, o.max_dashboards AS o_max_dashboards
                FROM tenants t JOIN plans p ON p.code = t.plan LEFT JOIN tenant_plan_overrides o ON o.tenant_id = t.id
                WHERE t.id = ?""", tenant.value());
        if (r == null) {
            throw new NotFoundException("provisioning:tenant.not-found", "tenant " + tenant + " not found");
        }
        Map<String, Integer> plan = new java.util.TreeMap<>();
        Map<String, Integer> over = new java.util.TreeMap<>();
        Map<String, Integer> eff = new java.util.TreeMap<>();
        COLUMNS.forEach((name, col) -> {
            Integer p = r.get(col, Integer.class);
            Integer o = r.get("o_" + col, Integer.class);
            plan.put(name, p);
            if (o != null) {
                over.put(name, o);
            }
            eff.put(name, o != null ? o : p);
        });
        return new Limits(r.get(0, String.class), plan, over, eff);
    }
}
