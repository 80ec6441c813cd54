package io.tenantry.ingest.directory;

import java.util.Objects;
import java.util.UUID;

/**
 * A tenant as ingest needs it (table {@code tenants}, design note 003 §2).
 *
 * @param id     tenant UUID, the {@code locatario_id} tag value
 * @param slug   public slug used in topics
 * @param status lifecycle status; only {@link Status#ACTIVE} tenants' telemetry is accepted
 */
public record TenantInfo(UUID id, String slug, Status status) {
    public TenantInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(status, "status");
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
