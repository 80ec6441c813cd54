package io.tenantry.core.error;

import java.util.List;
import java.util.Objects;

/**
 * Root of the platform's error hierarchy. Each error carries a stable, namespaced code
 * ({@code provisioning:device.not-found}) that clients may rely on, and a {@link Kind} the web layer maps to an
 * HTTP status (RFC 9457 problem details). Subclasses only pick the kind.
 */
public abstract class TenantryException extends RuntimeException {
    /** What sort of failure this is; decides the HTTP status and whether a retry may help. */
    public enum Kind {
        /** Input breaks a rule (400/422). */
        INVALID,
        /** The resource does not exist, or belongs to another tenant (404, never 403: existence must not leak). */
        NOT_FOUND,
        /** The request conflicts with current state, e.g. a duplicate slug (409). */
        CONFLICT,
        /** A plan limit or quota refuses the request (409 with the limit named). */
        LIMIT_EXCEEDED,
        /** The caller's role does not allow the action on a resource it may see (403). */
        FORBIDDEN,
        /** A dependency (broker, database) is unavailable; retriable (503). */
        UNAVAILABLE
    }

    private final String code;
    private final Kind kind;
    private final List<FieldError> fieldErrors;

    protected TenantryException(Kind kind, String code, String message, List<FieldError> fieldErrors, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind);
        this.code = Objects.requireNonNull(code);
        this.fieldErrors = fieldErrors == null ? List.of() : List.copyOf(fieldErrors);
    }

    /** Stable namespaced error code, e.g. {@code provisioning:tenant.not-found}. */
    public String code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    /** Field-by-field errors; empty when the error is not about input fields. */
    public List<FieldError> fieldErrors() {
        return fieldErrors;
    }
}
