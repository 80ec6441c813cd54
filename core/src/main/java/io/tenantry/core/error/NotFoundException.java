package io.tenantry.core.error;

import java.util.List;

/** A resource is absent or belongs to another tenant (answered as 404 either way). */
public class NotFoundException extends TenantryException {
    public NotFoundException(String code, String message) {
        super(Kind.NOT_FOUND, code, message, List.of(), null);
    }

    public NotFoundException(String code, String message, List<FieldError> fieldErrors) {
        super(Kind.NOT_FOUND, code, message, fieldErrors, null);
    }

    public NotFoundException(String code, String message, Throwable cause) {
        super(Kind.NOT_FOUND, code, message, List.of(), cause);
    }
}
