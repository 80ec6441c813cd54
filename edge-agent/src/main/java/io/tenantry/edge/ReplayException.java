package io.tenantry.edge;

/**
 * A replay could not run or could not go on. {@link #kind()} tells why; {@link #partialSummary()} holds the counts
 * reached so far when publishing had started (else {@code null}).
 */
public class ReplayException extends RuntimeException {
    /** Why a replay stopped. */
    public enum Kind {
        /** The first connection failed: refused credentials, TLS trust/hostname failure, or still unreachable
         *  when the connect timeout passed. */
        CONNECT,
        /** The CSV file (or the spool directory) could not be read or written. */
        IO,
        /** The replaying thread was interrupted. */
        INTERRUPTED,
        /** The MQTT client failed in an unexpected way. */
        CLIENT
    }

    private final Kind kind;
    private final transient ReplaySummary partialSummary;

    public ReplayException(Kind kind, String message, Throwable cause, ReplaySummary partialSummary) {
        super(message, cause);
        this.kind = kind;
        this.partialSummary = partialSummary;
    }

    /** Why the replay stopped. */
    public Kind kind() {
        return kind;
    }

    /** Counts up to the failure, or {@code null} when nothing had been published yet. */
    public ReplaySummary partialSummary() {
        return partialSummary;
    }
}
