package io.tenantry.provisioning.device;

import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.PlcId;
import io.tenantry.core.id.TenantId;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * A device / PLC (design note 003 §3).
 *
 * @param type         siemens_s7 | modbus_tcp | opcua
 * @param tags         auxiliary metadata (e.g. {@code setor=embalagem}); copied as tags onto its points
 * @param mqttUsername {@code t_<slug>.<plc_id>} (a legacy {@code t_<slug>_<plc_id>} until its credential is issued again)
 * @param mqttTopic    {@code plc/<slug>/<plc_id>}
 */
public record Device(DeviceId id, TenantId tenantId, PlcId plcId, String type, Map<String, String> tags, boolean active,
                     OffsetDateTime lastSeenAt, String firmwareVersion, String mqttUsername, String mqttTopic,
                     OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
