package io.tenantry.adapters.influx;

/**
 * An InfluxDB v1 HTTP API call failed: transport error ({@link #status()} 0), HTTP error status, or an
 * {@code error} in a query result (reported as 400).
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

    /**
     * The platform's one retriability rule (issue 9 §2; {@code TimeSeriesWriter}, docs/telemetry.md §8.4): only a
     * refusal of the request's <i>content</i> is final — 400 (unparsable line protocol or InfluxQL, field type
     * conflict, point beyond the retention policy, query error), 413 (too large), 422. Everything else may succeed
     * later and is retriable: no answer, 5xx, 429, and 401/403/404 (credential, grant or database missing: an
     * operator fixes those; the data is not at fault, so it must not be dead-lettered or reported as a bad query).
     */
    public boolean retriable() {
        return !isContentRefused(status);
    }

    /** True for the statuses that refuse the request's content: 400, 413, 422. */
    public static boolean isContentRefused(int status) {
        return status == 400 || status == 413 || status == 422;
    }
}
