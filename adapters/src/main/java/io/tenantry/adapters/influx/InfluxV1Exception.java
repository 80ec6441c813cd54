package io.tenantry.adapters.influx;

/**
 * An InfluxDB v1 HTTP API call failed: transport error ({@link #status()} 0), HTTP error status, or an
 * {@code error} in a query result.
 */
public class InfluxV1Exception extends RuntimeException {
    private final int status;

    public InfluxV1Exception(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** HTTP status, 0 when none was received. */
    public int status() {
        return status;
    }

    /** True for transport errors, 5xx and 429: the same call may succeed later. */
    public boolean retriable() {
        return status == 0 || status >= 500 || status == 429;
    }
}
