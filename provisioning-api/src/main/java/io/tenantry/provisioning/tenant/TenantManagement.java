package io.tenantry.provisioning.tenant;

import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.core.error.ConflictException;
import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.core.error.LimitExceededException;
import io.tenantry.core.error.NotFoundException;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.TenantSlug;
import io.tenantry.db.jooq.tables.records.TenantsRecord;
import io.tenantry.provisioning.audit.AuditLog;
import io.tenantry.web.auth.Actor;
import io.tenantry.provisioning.outbox.Outbox;
import io.tenantry.provisioning.support.Db;
import io.tenantry.web.TextRules;
import org.jooq.DSLContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tenantry.db.jooq.Tables.DEVICES;
import static io.tenantry.db.jooq.Tables.PLANS;
import static io.tenantry.db.jooq.Tables.TENANTS;

/**
 * Tenant use cases: create, read, rename, change plan, and the lifecycle of design note 003 §11
 * (suspend: block broker logins; activate; terminate: delete broker logins and roles). Every mutation writes an
 * audit event and, where the broker must follow, an outbox entry, in the same PostgreSQL transaction; the change
 * reaches the broker after commit (and is retried until it does). Other features reach tenants through
 * {@link Tenants} only.
 */
@Service
public class TenantManagement implements Tenants {
    private final DSLContext dsl;
    private final AuditLog audit;
    private final Outbox outbox;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    public TenantManagement(DSLContext dsl, AuditLog audit, Outbox outbox, Clock clock, ApplicationEventPublisher events) {
        this.dsl = dsl;
        this.audit = audit;
        this.outbox = outbox;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Creates an ACTIVE tenant.
     *
     * @throws InvalidInputException field by field (slug rule, name length, unknown plan)
     * @throws ConflictException     {@code provisioning:tenant.slug-taken} when the slug exists
     */
    public Tenant create(Actor actor, String requestId, String slug, String name, String plan) {
        actor.requirePlatformAdmin();
        List<FieldError> errors = new ArrayList<>();
        TenantSlug s = null;
        try {
            s = TenantSlug.of(slug);
        } catch (InvalidInputException e) {
            errors.addAll(e.fieldErrors());
        }
        validateName(name, errors);
        validatePlan(plan, errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException("provisioning:tenant.invalid", "the tenant is invalid", errors);
        }
        TenantSlug finalSlug = s;
        try {
            return dsl.transactionResult(c -> {
                DSLContext tx = c.dsl();
                OffsetDateTime now = now();
                TenantId id = TenantId.random();
                TenantsRecord r = tx.newRecord(TENANTS);
                r.setId(id.value());
                r.setSlug(finalSlug.value());
                r.setName(name.trim());
                r.setStatus(TenantStatus.ACTIVE.name());
                r.setPlan(plan);
                r.setCreatedAt(now);
                r.setUpdatedAt(now);
                r.store();
                audit.append(tx, actor, id, "tenant.created", "tenant:" + id, requestId,
                        Map.of("slug", finalSlug.value(), "plan", plan));
                events.publishEvent(new TenantCreated(tx, id)); // e.g. its Grafana organisation follows
                outbox.notifyDirectory(tx, id);
                return toTenant(r);
            });
        } catch (RuntimeException e) {
            if (Db.isUniqueViolation(e)) {
                throw new ConflictException("provisioning:tenant.slug-taken", "slug '" + slug + "' is taken",
                        List.of(new FieldError("slug", "already taken", slug)));
            }
            throw e;
        }
    }

    /** Tenants the caller may see: all for platform admins, otherwise the caller's own. */
    public List<Tenant> list(Actor actor) {
        var q = dsl.selectFrom(TENANTS);
        if (!actor.isPlatformAdmin()) {
            if (actor.tenantId().isEmpty()) {
                return List.of();
            }
            return q.where(TENANTS.ID.eq(actor.tenantId().get().value())).fetch(TenantManagement::toTenant);
        }
        return q.orderBy(TENANTS.CREATED_AT).fetch(TenantManagement::toTenant);
    }

    /** @throws NotFoundException when absent or not the caller's */
    public Tenant get(Actor actor, TenantId id) {
        actor.requireVisible(id);
        return find(dsl, id);
    }

    /**
     * Changes name and/or plan (null = unchanged). Platform admins only. A plan below the tenant's current device
     * count is refused.
     *
     * @throws InvalidInputException field by field (name length or control characters, unknown plan)
     * @throws ConflictException     {@code provisioning:tenant.terminated} when the tenant is terminated (final)
     */
    public Tenant update(Actor actor, String requestId, TenantId id, String name, String plan) {
        actor.requireVisible(id);
        actor.requirePlatformAdmin();
        List<FieldError> errors = new ArrayList<>();
        if (name != null) {
            validateName(name, errors);
        }
        if (plan != null) {
            validatePlan(plan, errors);
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("provisioning:tenant.invalid", "the change is invalid", errors);
        }
        return dsl.transactionResult(c -> {
            DSLContext tx = c.dsl();
            TenantsRecord r = lockRecord(tx, id);
            if (TenantStatus.valueOf(r.getStatus()) == TenantStatus.TERMINATED) {
                throw new ConflictException("provisioning:tenant.terminated", "tenant " + id + " is terminated; it cannot be changed");
            }
            if (plan != null && !plan.equals(r.getPlan())) {
                requireDeviceCapacity(tx, id, plan, 0);
                r.setPlan(plan);
            }
            if (name != null) {
                r.setName(name.trim());
            }
            r.setUpdatedAt(now());
            r.store();
            audit.append(tx, actor, id, "tenant.updated", "tenant:" + id, requestId,
                    Map.of("name", String.valueOf(name), "plan", String.valueOf(plan)));
            outbox.notifyDirectory(tx, id);
            return toTenant(r);
        });
    }

    /**
     * Moves a tenant through its lifecycle; {@link TenantStatusChanged} lets its logins follow (disabled, enabled,
     * deleted) in the same transaction.
     * ACTIVE ↔ SUSPENDED; ACTIVE or SUSPENDED → TERMINATED (final; its credentials are deleted).
     *
     * @throws ConflictException {@code provisioning:tenant.terminated} when the tenant is already terminated
     */
    public Tenant transition(Actor actor, String requestId, TenantId id, TenantStatus target) {
        actor.requireVisible(id);
        actor.requirePlatformAdmin();
        return dsl.transactionResult(c -> {
            DSLContext tx = c.dsl();
            TenantsRecord r = lockRecord(tx, id);
            TenantStatus current = TenantStatus.valueOf(r.getStatus());
            if (current == TenantStatus.TERMINATED) {
                throw new ConflictException("provisioning:tenant.terminated", "tenant " + id + " is terminated");
            }
            r.setStatus(target.name());
            r.setUpdatedAt(now());
            r.store();
            events.publishEvent(new TenantStatusChanged(tx, id, current, target)); // logins follow (credential)
            audit.append(tx, actor, id, "tenant." + target.name().toLowerCase(), "tenant:" + id, requestId,
                    Map.of("from", current.name(), "to", target.name()));
            outbox.notifyDirectory(tx, id);
            return toTenant(r);
        });
    }

    @Override
    public Tenant find(DSLContext ctx, TenantId id) {
        TenantsRecord r = ctx.selectFrom(TENANTS).where(TENANTS.ID.eq(id.value())).fetchOne();
        if (r == null) {
            throw new NotFoundException("provisioning:tenant.not-found", "tenant " + id + " not found");
        }
        return toTenant(r);
    }

    @Override
    public Tenant lock(DSLContext tx, TenantId id) {
        return toTenant(lockRecord(tx, id));
    }

    @Override
    public Tenant lockForNewDevice(DSLContext tx, TenantId id) {
        return toTenant(found(tx.selectFrom(TENANTS).where(TENANTS.ID.eq(id.value())).forNoKeyUpdate().fetchOne(), id));
    }

    @Override
    public Tenant lockAgainstChanges(DSLContext tx, TenantId id) {
        return toTenant(found(tx.selectFrom(TENANTS).where(TENANTS.ID.eq(id.value())).forKeyShare().fetchOne(), id));
    }

    private static TenantsRecord found(TenantsRecord r, TenantId id) {
        if (r == null) {
            throw new NotFoundException("provisioning:tenant.not-found", "tenant " + id + " not found");
        }
        return r;
    }

    private static TenantsRecord lockRecord(DSLContext tx, TenantId id) {
        TenantsRecord r = tx.selectFrom(TENANTS).where(TENANTS.ID.eq(id.value())).forUpdate().fetchOne();
        if (r == null) {
            throw new NotFoundException("provisioning:tenant.not-found", "tenant " + id + " not found");
        }
        return r;
    }

    /** The plan's limits. */
    private static Plan plan(DSLContext ctx, String code) {
        return ctx.selectFrom(PLANS).where(PLANS.CODE.eq(code)).fetchOne(p -> new Plan(p.getCode(), p.getMaxDevices(),
                p.getPointsPerMinute(), p.getRawRetentionDays(), p.getAggregatedRetentionDays(), p.getMaxActiveAlerts(),
                p.getMaxDashboards()));
    }

    @Override
    public void requireDeviceCapacity(DSLContext tx, TenantId tenant, String planCode, int adding) {
        Plan plan = plan(tx, planCode);
        Integer override = PlanOverrideManagement.effectiveMaxDevices(tx, tenant); // issue 10: per-tenant override
        int max = override != null ? override : plan.maxDevices();
        int count = tx.fetchCount(DEVICES, DEVICES.TENANT_ID.eq(tenant.value()));
        if (count + adding > max) {
            throw new LimitExceededException("provisioning:plan.device-limit", "plan " + plan.code()
                    + (override != null ? " with this tenant's override" : "") + " allows "
                    + max + " devices (limit 'devices': the tenant has " + count
                    + (adding > 0 ? " and would have " + (count + adding) : "") + ")");
        }
    }

    private static Tenant toTenant(TenantsRecord r) {
        return new Tenant(TenantId.of(r.getId()), TenantSlug.of(r.getSlug()), r.getName(), TenantStatus.valueOf(r.getStatus()),
                r.getPlan(), r.getCreatedAt(), r.getUpdatedAt());
    }

    private void validateName(String name, List<FieldError> errors) {
        if (name == null || name.isBlank() || name.length() > 200) {
            errors.add(new FieldError("name", "must be 1 to 200 characters", name));
        } else if (!TextRules.isPrintable(name)) {
            errors.add(new FieldError("name", TextRules.MESSAGE, name));
        }
    }

    private void validatePlan(String plan, List<FieldError> errors) {
        if (plan == null || !TextRules.isPrintable(plan) || dsl.fetchCount(PLANS, PLANS.CODE.eq(plan)) == 0) {
            errors.add(new FieldError("plan", "must be one of FREE, PRO, ENTERPRISE", plan));
        }
    }

    private OffsetDateTime now() {
        return Db.now(clock);
    }
}
