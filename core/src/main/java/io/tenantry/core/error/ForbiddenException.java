package io.tenantry.core.error;

import java.util.List;

/** The caller's role does not allow this action. */
public class ForbiddenException extends TenantryException {
    public ForbiddenException(String code, String message) {
        super(Kind.FORBIDDEN, code, message, List.of(), null);
    }

    public ForbiddenException(String code, String message, List<FieldError> fieldErrors) {
        super(Kind.FORBIDDEN, code, message, fieldErrors, null);
    }

    public ForbiddenException(String code, String message, Throwable cause) {
        super(Kind.FORBIDDEN, code, message, List.of(), cause);
    }
}
