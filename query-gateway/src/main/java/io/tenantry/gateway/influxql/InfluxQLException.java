package io.tenantry.gateway.influxql;

/**
 * A statement the gateway does not pass on: either text that influxql v1.0.0's grammar refuses
 * ({@link Kind#SYNTAX}, message shaped as upstream's {@code found X, expected Y at line L, char C}) or a valid
 * statement the gateway refuses by decision ({@link Kind#NOT_ALLOWED}: writes, DDL, users, grants, {@code KILL},
 * {@code SELECT … INTO}, server-wide {@code SHOW}s, cardinality forms; issue 13 "fail closed").
 */
public final class InfluxQLException extends RuntimeException {
    /** Why the statement was refused. */
    public enum Kind { SYNTAX, NOT_ALLOWED }

    private final Kind kind;

    public InfluxQLException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    /** A grammar error. */
    public static InfluxQLException syntax(String message) {
        return new InfluxQLException(Kind.SYNTAX, message);
    }

    /** A statement refused by the gateway's policy. */
    public static InfluxQLException notAllowed(String message) {
        return new InfluxQLException(Kind.NOT_ALLOWED, message);
    }

    public Kind kind() {
        return kind;
    }
}
