package io.tenantry.core.error;

/**
 * One rejected input field, reported in RFC 9457 problem details under {@code errors}.
 *
 * @param field    the field's JSON name or path ({@code plcId}, {@code tags.line})
 * @param message  what is wrong, for humans
 * @param rejected the rejected value, or null when absent or secret
 */
public record FieldError(String field, String message, Object rejected) {
}
