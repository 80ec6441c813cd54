package io.tenantry.core.error;

import java.util.List;

/** A dependency (database, broker, InfluxDB) is unavailable; retrying later may succeed. */
public class UnavailableException extends TenantryException {
    public UnavailableException(String code, String message) {
        super(Kind.UNAVAILABLE, code, message, List.of(), null);
    }

    public UnavailableException(String code, String message, List<FieldError> fieldErrors) {
        super(Kind.UNAVAILABLE, code, message, fieldErrors, null);
    }

    public UnavailableException(String code, String message, Throwable cause) {
        super(Kind.UNAVAILABLE, code, message, List.of(), cause);
    }
}
