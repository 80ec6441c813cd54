package io.tenantry.core.timeseries;

import java.util.Set;

/**
 * The tags the platform sets on every stored point, and only the platform (design note 003 §3, §5; issue 7
 * "a field named like a reserved tag"): ingest writes them, provisioning refuses them as device tags, and the
 * telemetry read path never returns them as fields. The one definition every module refers to.
 */
public final class PlatformTags {
    /** The tenant UUID on every point: the data contract (note 003 §5). Never rename. */
    public static final String TENANT = "locatario_id";
    /** The device's PLC id (note 003 §3). */
    public static final String DEVICE = "plc_id";
    /** The device type ({@code siemens_s7}, {@code modbus_tcp}, {@code opcua}, {@code generic}; {@link io.tenantry.core.tenant.DeviceType}). */
    public static final String DEVICE_TYPE = "type";
    /** The tags only the platform sets: {@link #TENANT}, {@link #DEVICE}, {@link #DEVICE_TYPE}. */
    public static final Set<String> ALL = Set.of(TENANT, DEVICE, DEVICE_TYPE);
    /**
     * Names no field may have and no query selects as a field: InfluxDB's {@code time} column and {@link #ALL}. In
     * InfluxQL an unqualified {@code "locatario_id"} resolves to a <i>field</i> of that name where one exists, so
     * such a field would hide the tag from every query and every {@code DELETE}/{@code DROP SERIES}.
     */
    public static final Set<String> RESERVED_NAMES = Set.of("time", TENANT, DEVICE, DEVICE_TYPE);
    /** {@link #RESERVED_NAMES} as text for error messages, in a stable order. */
    public static final String RESERVED_NAMES_TEXT = "time, " + TENANT + ", " + DEVICE + ", " + DEVICE_TYPE;

    private PlatformTags() {
    }
}
