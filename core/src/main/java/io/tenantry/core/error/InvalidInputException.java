package io.tenantry.core.error;

import java.util.List;

/** Input breaks a rule; carries field errors. */
public class InvalidInputException extends TenantryException {
    public InvalidInputException(String code, String message) {
        super(Kind.INVALID, code, message, List.of(), null);
    }

    public InvalidInputException(String code, String message, List<FieldError> fieldErrors) {
        super(Kind.INVALID, code, message, fieldErrors, null);
    }

    public InvalidInputException(String code, String message, Throwable cause) {
        super(Kind.INVALID, code, message, List.of(), cause);
    }
}
