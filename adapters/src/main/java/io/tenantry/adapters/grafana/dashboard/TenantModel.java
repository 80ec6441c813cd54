package io.tenantry.adapters.grafana.dashboard;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What the dashboards are generated from: the tenant, its plan and its device model (PostgreSQL is the source;
 * the provisioning API's {@code grafana} feature reads it).
 *
 * @param tenantId        the tenant's UUID (the {@code locatario_id} tag value)
 * @param slug            the tenant's slug
 * @param name            the tenant's display name
 * @param plan            plan code, e.g. {@code FREE}
 * @param maxDashboards   {@code plans.max_dashboards} (design note 003 §7: 5 / 20 / 100)
 * @param pointsPerMinute {@code plans.points_per_minute}, drawn as the quota line
 * @param rawRetention    the plan's raw retention ({@code plans.raw_retention_days}); raw queries never reach further back
 * @param deviceTypes     the tenant's device types that have at least one device, sorted by type
 */
public record TenantModel(UUID tenantId, String slug, String name, String plan, int maxDashboards,
                          int pointsPerMinute, Duration rawRetention, List<DeviceTypeModel> deviceTypes) {
    public TenantModel {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(slug, "slug");
        deviceTypes = List.copyOf(deviceTypes);
    }

    /**
     * One device type of the tenant.
     *
     * @param type   {@code siemens_s7}, {@code modbus_tcp}, {@code opcua} (core {@code DeviceType})
     * @param plcIds the tenant's devices of that type
     * @param fields the fields those devices send (today the tenant's field keys, {@code tenant_field_keys}:
     *               ingest keeps them per tenant, not per device), sorted by name
     */
    public record DeviceTypeModel(String type, List<String> plcIds, List<FieldSpec> fields) {
        public DeviceTypeModel {
            plcIds = List.copyOf(plcIds);
            fields = List.copyOf(fields);
        }
    }

    /**
     * A numeric field of the device model.
     *
     * @param name the field key as sent by devices (InfluxDB field key)
     * @param unit Grafana unit id (e.g. {@code celsius}, {@code pressurebar}, {@code volt}, {@code amp}) when the
     *             device model has one, else null (the panel shows plain numbers)
     */
    public record FieldSpec(String name, String unit) {
    }
}
