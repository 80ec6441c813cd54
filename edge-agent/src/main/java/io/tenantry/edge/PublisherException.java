package io.tenantry.edge;

/** A {@link ReliablePublisher} could not start or could not go on; {@link #kind()} tells why. */
public class PublisherException extends RuntimeException {
    /** Why a publisher stopped. */
    public enum Kind {
        /** The first connection failed: refused credentials, TLS trust/hostname failure, or still unreachable
         *  when the connect timeout passed. */
        CONNECT,
        /** The spool directory (for a replay, also the CSV file) could not be opened, read or written. */
        IO,
        /** The thread was interrupted while connecting. */
        INTERRUPTED,
        /** The MQTT client failed in an unexpected way. */
        CLIENT
    }

    private final Kind kind;

    public PublisherException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** Why the publisher stopped. */
    public Kind kind() {
        return kind;
    }
}
