package io.tenantry.core.timeseries;

/**
 * A write to the time-series store failed. {@link #retriable()} tells failures that may succeed later (transport,
 * server, credential or bucket problems: see the one rule in {@link TimeSeriesWriter}) apart from refused data
 * (retrying the same lines cannot succeed).
 */
public class TimeSeriesWriteException extends RuntimeException {
    private final boolean retriable;
    private final int status;

    /**
     * @param status HTTP status from the store, or 0 when none was received
     */
    public TimeSeriesWriteException(String message, boolean retriable, int status, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
        this.status = status;
    }

    /** True when the same write may succeed later (the rule in {@link TimeSeriesWriter}). */
    public boolean retriable() {
        return retriable;
    }

    /** HTTP status, 0 for transport errors. */
    public int status() {
        return status;
    }
}
