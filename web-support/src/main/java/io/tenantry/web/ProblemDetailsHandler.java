package io.tenantry.web;

import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.TenantryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Maps every error to an RFC 9457 problem detail ({@code application/problem+json}) with {@code type},
 * {@code title}, {@code status}, {@code detail}, {@code instance}, a stable {@code errorCode} and, for input
 * errors, {@code errors}: one {@code {field, message, rejected}} per field. 5xx details stay in the log.
 */
@RestControllerAdvice
public class ProblemDetailsHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsHandler.class);

    @ExceptionHandler(TenantryException.class)
    ResponseEntity<ProblemDetail> tenantry(TenantryException e, ServerWebExchange exchange) {
        HttpStatus status = switch (e.kind()) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT, LIMIT_EXCEEDED -> HttpStatus.CONFLICT;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
        };
        if (status.is5xxServerError()) {
            // the request id is in the answer too: an operator finds the cause by it (issue 16)
            log.warn("{} (request {}): {}", e.code(), RequestIds.of(exchange), e.getMessage(), e);
        }
        return problem(status, e.code(), e.getMessage(), e.fieldErrors(), exchange);
    }

    @ExceptionHandler(ServerWebInputException.class)
    ResponseEntity<ProblemDetail> input(ServerWebInputException e, ServerWebExchange exchange) {
        List<FieldError> fields = new ArrayList<>();
        String detail = e.getReason() == null ? "the request is malformed" : e.getReason();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnrecognizedPropertyException u) {
                fields.add(new FieldError(path(u), "unknown field", u.getPropertyName()));
                detail = "unknown field '" + u.getPropertyName() + "'";
                break;
            }
            if (t instanceof InvalidFormatException f) {
                fields.add(new FieldError(path(f), "wrong type: expected " + simple(f.getTargetType()), String.valueOf(f.getValue())));
                detail = "wrong type for '" + path(f) + "'";
                break;
            }
            if (t instanceof MismatchedInputException m) {
                String p = path(m);
                fields.add(new FieldError(p.isEmpty() ? "$" : p, "wrong type: expected " + simple(m.getTargetType()), null));
                detail = "wrong type for '" + (p.isEmpty() ? "$" : p) + "'";
                break;
            }
            if (t instanceof JacksonException j) {
                detail = "malformed JSON: " + j.getOriginalMessage();
                break;
            }
        }
        if (fields.isEmpty() && e.getMethodParameter() != null && e.getMethodParameter().getParameterName() != null
                && !e.getMethodParameter().hasParameterAnnotation(org.springframework.web.bind.annotation.RequestBody.class)) {
            // a query parameter or path variable that did not convert (limit=abc, a malformed UUID)
            String name = e.getMethodParameter().getParameterName();
            fields.add(new FieldError(name, "wrong type: expected " + simple(e.getMethodParameter().getParameterType()), null));
            detail = "wrong type for '" + name + "'";
        }
        return problem(HttpStatus.BAD_REQUEST, "api:request.malformed", detail, fields, exchange);
    }

    @ExceptionHandler(ResponseStatusException.class)
    ResponseEntity<ProblemDetail> status(ResponseStatusException e, ServerWebExchange exchange) {
        HttpStatus s = HttpStatus.resolve(e.getStatusCode().value());
        s = s == null ? HttpStatus.INTERNAL_SERVER_ERROR : s;
        return problem(s, "api:http." + s.value(), e.getReason() == null ? s.getReasonPhrase() : e.getReason(), List.of(), exchange);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, ServerWebExchange exchange) {
        log.error("unexpected error on {} {} (request {})", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
                RequestIds.of(exchange), e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "api:internal", "internal error; see the server log (request "
                + RequestIds.of(exchange) + ")", List.of(), exchange);
    }

    static ResponseEntity<ProblemDetail> problem(HttpStatus status, String code, String detail, List<FieldError> fields,
                                                 ServerWebExchange exchange) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create("urn:tenantry:problem:" + code));
        p.setTitle(status.getReasonPhrase());
        p.setInstance(URI.create(exchange.getRequest().getPath().value()));
        p.setProperty("errorCode", code);
        p.setProperty("requestId", RequestIds.of(exchange));
        if (!fields.isEmpty()) {
            p.setProperty("errors", fields.stream().map(f -> {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("field", f.field());
                m.put("message", f.message());
                if (f.rejected() != null) {
                    m.put("rejected", f.rejected());
                }
                return m;
            }).collect(Collectors.toList()));
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream().map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String simple(Class<?> c) {
        if (c == null) {
            return "another type";
        }
        if (c == String.class) {
            return "string";
        }
        if (c == Boolean.class || c == boolean.class) {
            return "boolean";
        }
        if (Number.class.isAssignableFrom(c) || c.isPrimitive()) {
            return "number";
        }
        if (Map.class.isAssignableFrom(c)) {
            return "object";
        }
        return c.getSimpleName();
    }
}
