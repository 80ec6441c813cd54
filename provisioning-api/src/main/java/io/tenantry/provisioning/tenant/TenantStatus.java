package io.tenantry.provisioning.tenant;

/** Tenant lifecycle states (design note 003 §2 "ativo | suspenso | encerrado", §11). */
public enum TenantStatus {
    /** Devices may connect and send data. */
    ACTIVE,
    /** Broker logins disabled (connected devices dropped); data kept. Reversible. */
    SUSPENDED,
    /** Broker logins and roles deleted; final. */
    TERMINATED
}
