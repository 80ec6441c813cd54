package io.tenantry.adapters.grafana;

/**
 * Grafana answered a request with an error status.
 *
 * @see GrafanaClient
 */
public class GrafanaException extends RuntimeException {
    private final int status;
    private final String grafanaStatus;

    /**
     * @param status        HTTP status
     * @param message       Grafana's {@code message} (or the body)
     * @param grafanaStatus Grafana's {@code status} field when present (e.g. {@code version-mismatch}), else null
     */
    public GrafanaException(int status, String message, String grafanaStatus) {
        super("Grafana answered " + status + ": " + message);
        this.status = status;
        this.grafanaStatus = grafanaStatus;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** Grafana's {@code status} field of the error body, e.g. {@code version-mismatch}; null when absent. */
    public String grafanaStatus() {
        return grafanaStatus;
    }

    /** Whether trying again later may succeed: 5xx and 429 (a 4xx is our request's or the admin credential's fault). */
    public boolean retriable() {
        return status >= 500 || status == 429;
    }
}
