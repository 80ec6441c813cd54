package io.tenantry.core.timeseries;

import io.tenantry.core.error.InvalidInputException;

/**
 * The time-series store refused a statement ({@link TimeSeriesQuery}): the statement, not the store, is at fault,
 * so retrying it cannot help. Kind INVALID, code {@code timeseries:query.rejected}.
 */
public class QueryRejectedException extends InvalidInputException {
    private final String reason;

    /**
     * @param reason the store's own error text (may echo the statement; callers shorten it before showing it)
     */
    public QueryRejectedException(String reason, Throwable cause) {
        super("timeseries:query.rejected", "the time-series store refused the query: " + reason, cause);
        this.reason = reason;
    }

    /** The store's error text. */
    public String reason() {
        return reason;
    }
}
