package io.tenantry.core.error;

import java.util.List;

/** The request conflicts with the current state (duplicate slug, immutable field). */
public class ConflictException extends TenantryException {
    public ConflictException(String code, String message) {
        super(Kind.CONFLICT, code, message, List.of(), null);
    }

    public ConflictException(String code, String message, List<FieldError> fieldErrors) {
        super(Kind.CONFLICT, code, message, fieldErrors, null);
    }

    public ConflictException(String code, String message, Throwable cause) {
        super(Kind.CONFLICT, code, message, List.of(), cause);
    }
}
