package io.tenantry.ingest.directory;

import java.util.Objects;
import java.util.UUID;

/**
 * A tenant as ingest needs it (table {@code tenants}, design note 003 §2).
 *
 * @param id     tenant UUID, the {@code locatario_id} tag value
 * @param slug   public slug used in topics
 * @param status lifecycle status; only {@link Status#ACTIVE} tenants' telemetry is accepted
 * @param limits the plan's schema limits (table {@code plans}, Flyway V3)
 */
public record TenantInfo(UUID id, String slug, Status status, SchemaLimits limits) {
    public TenantInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(limits, "limits");
    }

    /** A tenant with {@link SchemaLimits#DEFAULT} limits. */
    public TenantInfo(UUID id, String slug, Status status) {
        this(id, slug, status, SchemaLimits.DEFAULT);
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
