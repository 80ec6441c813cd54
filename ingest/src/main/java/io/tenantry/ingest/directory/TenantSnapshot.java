package io.tenantry.ingest.directory;

import java.util.Map;

/**
 * A tenant with all its devices, as loaded together from PostgreSQL and cached together.
 *
 * @param tenant  the tenant
 * @param devices plc_id → device
 */
public record TenantSnapshot(TenantInfo tenant, Map<String, DeviceInfo> devices) {
    public TenantSnapshot {
        devices = Map.copyOf(devices);
    }
}
