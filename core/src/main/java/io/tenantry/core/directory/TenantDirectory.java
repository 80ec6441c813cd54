package io.tenantry.core.directory;

import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantSlug;

import java.util.Optional;

/**
 * The tenant directory port (issue 9 §2, §3): a topic's tenant slug and PLC id → the tenant (id, status, plan,
 * storage placement) and the device (id, type, tags, active), as PostgreSQL holds them. Ingest resolves every
 * message through it; the quota service, the alert engine and the query gateway use the same one. Implemented
 * with a cache invalidated by {@code NOTIFY} on {@link #CHANGE_CHANNEL} (module {@code directory}).
 * <p>
 * The status of what it returns is for the caller to judge (a suspended tenant is still {@link Found}).
 * Implementations are thread-safe.
 */
public interface TenantDirectory {
    /**
     * PostgreSQL {@code NOTIFY} channel on which provisioning announces, in the same transaction as the change,
     * that a tenant or one of its devices changed; the payload is the tenant UUID. The one definition of the name.
     */
    String CHANGE_CHANNEL = "tenantry_directory";

    /**
     * Resolves a topic's tenant slug and PLC id.
     *
     * @return {@link Found}, {@link UnknownTenant} or {@link UnknownDevice}
     * @throws DirectoryUnavailableException when PostgreSQL is needed and cannot be asked (retry later)
     */
    Lookup lookup(TenantSlug slug, PlcId plcId);

    /**
     * The tenant with this slug, without a device.
     *
     * @return empty when no tenant has the slug
     * @throws DirectoryUnavailableException when PostgreSQL is needed and cannot be asked (retry later)
     */
    Optional<TenantInfo> tenant(TenantSlug slug);

    /** The answer for one topic. */
    sealed interface Lookup permits Found, UnknownTenant, UnknownDevice {
    }

    /** Tenant and device exist (their status is for the caller to judge). */
    record Found(TenantInfo tenant, DeviceInfo device) implements Lookup {
    }

    /** No tenant has the slug. */
    record UnknownTenant() implements Lookup {
    }

    /** The tenant exists but has no such device. */
    record UnknownDevice(TenantInfo tenant) implements Lookup {
    }
}
