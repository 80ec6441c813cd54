package io.tenantry.directory;

import io.tenantry.core.directory.DeviceInfo;
import io.tenantry.core.directory.TenantInfo;
import io.tenantry.core.id.PlcId;

import java.util.Map;

/**
 * A tenant with all its devices, as loaded together from PostgreSQL and cached together.
 *
 * @param tenant  the tenant
 * @param devices PLC id → device
 */
public record TenantSnapshot(TenantInfo tenant, Map<PlcId, DeviceInfo> devices) {
    public TenantSnapshot {
        devices = Map.copyOf(devices);
    }
}
