package io.tenantry.core.directory;

import io.tenantry.core.id.TenantId;
import io.tenantry.core.id.TenantSlug;
import io.tenantry.core.tenant.TenantStatus;
import io.tenantry.core.timeseries.StoragePlacement;

import java.time.Duration;
import java.util.Objects;

/**
 * A tenant as the directory holds it (table {@code tenants}, design note 003 §2, with its plan's limits).
 *
 * @param id           the tenant's id, the {@code locatario_id} tag value
 * @param slug         public slug used in topics
 * @param status       lifecycle status; only {@link TenantStatus#ACTIVE} tenants' telemetry is accepted
 * @param plan         the plan's code ({@code tenants.plan}: {@code FREE}, {@code PRO}, {@code ENTERPRISE}), or null
 *                     when unknown
 * @param limits       the plan's schema limits (table {@code plans}, Flyway V3); null means {@link SchemaLimits#DEFAULT}
 * @param rawRetention how far back a point's timestamp may lie: the plan's {@code plans.raw_retention_days}; null
 *                     means {@link #DEFAULT_RAW_RETENTION}
 * @param maxFuture    how far ahead of the receive time a point's timestamp may lie: the plan's
 *                     {@code plans.max_future_minutes} (Flyway V4, issue 8); null means {@link #DEFAULT_MAX_FUTURE}
 * @param placement    where the tenant's points live ({@code tenants.placement}, Flyway V5); null means
 *                     {@link StoragePlacement#SHARED}
 */
public record TenantInfo(TenantId id, TenantSlug slug, TenantStatus status, String plan, SchemaLimits limits,
                         Duration rawRetention, Duration maxFuture, StoragePlacement placement) {
    /** Bounds used when a plan is unknown: the shared raw bucket's own retention (30 days) and one hour ahead. */
    public static final Duration DEFAULT_RAW_RETENTION = Duration.ofDays(30);
    /** See {@link #DEFAULT_RAW_RETENTION}. */
    public static final Duration DEFAULT_MAX_FUTURE = Duration.ofHours(1);

    public TenantInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(status, "status");
        limits = limits == null ? SchemaLimits.DEFAULT : limits;
        rawRetention = rawRetention == null ? DEFAULT_RAW_RETENTION : rawRetention;
        maxFuture = maxFuture == null ? DEFAULT_MAX_FUTURE : maxFuture;
        placement = placement == null ? StoragePlacement.SHARED : placement;
    }

    /** A tenant with no known plan: default limits and time bounds, shared placement. */
    public static TenantInfo of(TenantId id, TenantSlug slug, TenantStatus status) {
        return new TenantInfo(id, slug, status, null, null, null, null, null);
    }

    /**
     * A plan's bounds on a tenant's InfluxDB schema (issue 7; {@code plans.max_fields_per_point},
     * {@code plans.max_field_keys}). Exceeding them makes the element a {@code schema_limit} dead letter.
     *
     * @param maxFieldsPerPoint fields one telemetry point may carry
     * @param maxFieldKeys      distinct field keys the tenant may have over all its measurements
     */
    public record SchemaLimits(int maxFieldsPerPoint, int maxFieldKeys) {
        /** The column defaults of Flyway V3 (used when a plan row has no value). */
        public static final SchemaLimits DEFAULT = new SchemaLimits(100, 1000);
    }
}
