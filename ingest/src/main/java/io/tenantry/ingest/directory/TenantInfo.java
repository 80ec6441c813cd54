package io.tenantry.ingest.directory;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * A tenant as ingest needs it (table {@code tenants}, design note 003 §2).
 *
 * @param id     tenant UUID, the {@code locatario_id} tag value
 * @param slug   public slug used in topics
 * @param status       lifecycle status; only {@link Status#ACTIVE} tenants' telemetry is accepted
 * @param limits       the plan's schema limits (table {@code plans}, Flyway V3)
 * @param rawRetention how far back a point's timestamp may lie: the plan's {@code plans.raw_retention_days}
 * @param maxFuture    how far ahead of the receive time a point's timestamp may lie: the plan's
 *                     {@code plans.max_future_minutes} (Flyway V4, issue 8)
 */
public record TenantInfo(UUID id, String slug, Status status, SchemaLimits limits, Duration rawRetention, Duration maxFuture) {
    /** Bounds used when a plan is unknown: the bucket's own retention (30 days) and one hour ahead. */
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
    }

    /** A tenant with {@link SchemaLimits#DEFAULT} limits and the default time bounds. */
    public TenantInfo(UUID id, String slug, Status status) {
        this(id, slug, status, null, null, null);
    }

    /** A tenant with the given schema limits and the default time bounds. */
    public TenantInfo(UUID id, String slug, Status status, SchemaLimits limits) {
        this(id, slug, status, limits, null, null);
    }

    /** A tenant with the default schema limits and the given time bounds. */
    public TenantInfo(UUID id, String slug, Status status, Duration rawRetention, Duration maxFuture) {
        this(id, slug, status, null, rawRetention, maxFuture);
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

    /** {@code tenants.status} (note 003 §2: ativo | suspenso | encerrado). */
    public enum Status {
        ACTIVE, SUSPENDED, TERMINATED;

        /** Parses the column value; anything unknown is treated as SUSPENDED (fail closed). */
        public static Status parse(String s) {
            try {
                return valueOf(s);
            } catch (RuntimeException e) {
                return SUSPENDED;
            }
        }
    }
}
