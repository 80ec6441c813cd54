package io.tenantry.core.id;

import java.util.Objects;
import java.util.UUID;

/**
 * A tenant's internal identity (design note 003 §2). Its string form is the value of the {@code locatario_id}
 * tag on every stored point (the data contract, note 003 §5).
 *
 * @param value the UUID, never null
 */
public record TenantId(UUID value) {
    public TenantId {
        Objects.requireNonNull(value, "tenant id");
    }

    public static TenantId of(UUID value) {
        return new TenantId(value);
    }

    /** @throws IllegalArgumentException when {@code value} is not a UUID */
    public static TenantId parse(String value) {
        return new TenantId(UUID.fromString(value));
    }

    public static TenantId random() {
        return new TenantId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
