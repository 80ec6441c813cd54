package io.tenantry.core.error;

import java.util.List;

/** A plan limit refuses the request; the message names the plan and the limit (design note 003 §7). */
public class LimitExceededException extends TenantryException {
    public LimitExceededException(String code, String message) {
        super(Kind.LIMIT_EXCEEDED, code, message, List.of(), null);
    }

    public LimitExceededException(String code, String message, List<FieldError> fieldErrors) {
        super(Kind.LIMIT_EXCEEDED, code, message, fieldErrors, null);
    }

    public LimitExceededException(String code, String message, Throwable cause) {
        super(Kind.LIMIT_EXCEEDED, code, message, List.of(), cause);
    }
}
