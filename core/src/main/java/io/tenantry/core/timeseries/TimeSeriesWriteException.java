package io.tenantry.core.timeseries;

/**
 * A write to the time-series store failed. {@link #retriable()} tells transport errors and server errors (try
 * again later, nothing was lost yet) apart from rejected data (retrying the same body cannot succeed).
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

    public boolean retriable() {
        return retriable;
    }

    /** HTTP status, 0 for transport errors. */
    public int status() {
        return status;
    }
}
