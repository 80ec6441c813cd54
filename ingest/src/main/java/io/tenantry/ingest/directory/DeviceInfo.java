package io.tenantry.ingest.directory;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A device (table {@code devices}, design note 003 §3).
 *
 * @param id     device UUID
 * @param plcId  plc_id, the last topic level
 * @param type   {@code siemens_s7}, {@code modbus_tcp} or {@code opcua}; stored as tag {@code type}
 * @param tags   the device's metadata tags ({@code devices.tags} JSON object; non-string values as their JSON text)
 * @param active inactive devices' telemetry is rejected ({@code device_inactive})
 */
public record DeviceInfo(UUID id, String plcId, String type, Map<String, String> tags, boolean active) {
    public DeviceInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(plcId, "plcId");
        Objects.requireNonNull(type, "type");
        tags = Map.copyOf(tags);
    }
}
