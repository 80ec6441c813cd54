package io.tenantry.core.id;

import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The naming rule shared by tenant slugs and PLC ids: {@code [a-z0-9-_]{3,32}}
 * (design note 003 §6 "Convenções de Nomes").
 */
public final class Slugs {
    /** {@code [a-z0-9-_]{3,32}}, note 003 §6. */
    public static final Pattern PATTERN = Pattern.compile("[a-z0-9_-]{3,32}");

    private Slugs() {
    }

    /**
     * Checks {@code value} against {@link #PATTERN}.
     *
     * @param field the input field name reported on error (e.g. {@code slug}, {@code plcId})
     * @return the value unchanged
     * @throws InvalidInputException naming {@code field} when null or not matching
     */
    public static String require(String field, String value) {
        if (value == null || !PATTERN.matcher(value).matches()) {
            throw new InvalidInputException("core:slug.invalid", field + " must match [a-z0-9-_]{3,32}",
                    List.of(new FieldError(field, "must match [a-z0-9-_]{3,32}", value)));
        }
        return value;
    }
}
