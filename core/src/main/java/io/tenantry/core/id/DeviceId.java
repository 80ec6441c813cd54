package io.tenantry.core.id;

import java.util.Objects;
import java.util.UUID;

/**
 * A device's internal identity (design note 003 §3 {@code device_id}).
 *
 * @param value the UUID, never null
 */
public record DeviceId(UUID value) {
    public DeviceId {
        Objects.requireNonNull(value, "device id");
    }

    public static DeviceId of(UUID value) {
        return new DeviceId(value);
    }

    /** @throws IllegalArgumentException when {@code value} is not a UUID */
    public static DeviceId parse(String value) {
        return new DeviceId(UUID.fromString(value));
    }

    public static DeviceId random() {
        return new DeviceId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
