package io.tenantry.gateway.rewrite;

/**
 * A request or statement the gateway answers with an InfluxDB-shaped error instead of passing it on.
 * {@code status} is the HTTP status InfluxDB 1.6.7 would give for the same kind of problem (400 for a bad query, 401
 * for credentials, 403 forbidden, 413 too large, 429 a rate limit); {@code reason} a short metrics/audit label;
 * {@code attack} marks refusals that look like an attempt to reach outside the tenant (audited).
 */
public final class GatewayRefusal extends RuntimeException {
    private final int status;
    private final String reason;
    private final boolean attack;
    private final boolean statementLevel;

    private GatewayRefusal(int status, String reason, String message, boolean attack, boolean statementLevel) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
        this.attack = attack;
        this.statementLevel = statementLevel;
    }

    /** An error InfluxDB reports inside {@code results[i].error} (HTTP 200 with that body for a statement). */
    public static GatewayRefusal statement(String reason, String message, boolean attack) {
        return new GatewayRefusal(200, reason, message, attack, true);
    }

    /** An error InfluxDB reports as the top-level {@code error} with an HTTP status. */
    public static GatewayRefusal request(int status, String reason, String message, boolean attack) {
        return new GatewayRefusal(status, reason, message, attack, false);
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public boolean attack() {
        return attack;
    }

    /** Whether the error belongs in {@code results[0].error} rather than the top-level {@code error}. */
    public boolean statementLevel() {
        return statementLevel;
    }
}
