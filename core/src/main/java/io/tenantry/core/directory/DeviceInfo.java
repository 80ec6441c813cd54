package io.tenantry.core.directory;

import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.tenant.DeviceType;

import java.util.Map;
import java.util.Objects;

/**
 * A device as the directory holds it (table {@code devices}, design note 003 §3).
 *
 * @param id     the device's id
 * @param plcId  its PLC id, the last topic level
 * @param type   its type; stored on every point as tag {@code type}
 * @param tags   the device's metadata tags ({@code devices.tags} JSON object; non-string values as their JSON text)
 * @param active inactive devices' telemetry is rejected ({@code device_inactive})
 */
public record DeviceInfo(DeviceId id, PlcId plcId, DeviceType type, Map<String, String> tags, boolean active) {
    public DeviceInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(plcId, "plcId");
        Objects.requireNonNull(type, "type");
        tags = Map.copyOf(tags);
    }
}
