package io.tenantry.core.tenant;

/**
 * Tenant lifecycle states (design note 003 §2 "ativo | suspenso | encerrado", §11), stored as their names in
 * {@code tenants.status} (Flyway V1 {@code tenants_status_check}).
 */
public enum TenantStatus {
    /** Devices may connect and send data. */
    ACTIVE,
    /** Broker logins disabled (connected devices dropped); data kept; telemetry refused. Reversible. */
    SUSPENDED,
    /** Broker logins and roles deleted; telemetry refused; final. */
    TERMINATED;

    /**
     * Parses a stored value for a reader that must fail closed (ingest, the tenant directory).
     *
     * @return the status, or {@link #SUSPENDED} for null or anything unknown
     */
    public static TenantStatus parseOrSuspended(String value) {
        if (value != null) {
            for (TenantStatus s : values()) {
                if (s.name().equals(value)) {
                    return s;
                }
            }
        }
        return SUSPENDED;
    }
}
