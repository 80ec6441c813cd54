package io.tenantry.core.tenant;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Device types (design note 003 §3), stored in {@code devices.type} (Flyway V1 {@code devices_type_check}, V12 adds {@code generic}) and on
 * every point as tag {@link io.tenantry.core.timeseries.PlatformTags#DEVICE_TYPE}.
 */
public enum DeviceType {
    SIEMENS_S7("siemens_s7"),
    MODBUS_TCP("modbus_tcp"),
    OPCUA("opcua"),
    /** Any other device that publishes the telemetry JSON itself: a gateway, a script, a sensor (issue 16; Flyway V12). */
    GENERIC("generic");

    /** The stored values, in declaration order: {@code siemens_s7, modbus_tcp, opcua, generic}. */
    public static final Set<String> VALUES = Arrays.stream(values()).map(DeviceType::value)
            .collect(Collectors.toCollection(LinkedHashSet::new));
    /** {@link #VALUES} as text for error messages: {@code siemens_s7, modbus_tcp, opcua, generic}. */
    public static final String VALUES_TEXT = String.join(", ", VALUES);

    private final String value;

    DeviceType(String value) {
        this.value = value;
    }

    /** The stored and tagged value, e.g. {@code siemens_s7}. */
    public String value() {
        return value;
    }

    /** @return the type whose {@link #value()} is {@code value}; empty for null or anything else */
    public static Optional<DeviceType> parse(String value) {
        for (DeviceType t : values()) {
            if (t.value.equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
