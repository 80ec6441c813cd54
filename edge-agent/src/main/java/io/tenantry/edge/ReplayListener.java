package io.tenantry.edge;

/**
 * Optional progress callback of a replay. Every method has a no-op default; implement what you need.
 * <p>
 * Called from the replay thread ({@link #onRowSkipped}, {@link #onPublished}) and from the MQTT client's threads
 * ({@link #onConnected}, {@link #onConnectionLost}, {@link #onAcknowledged}, {@link #onDeliveryFailed}), so an
 * implementation shared by parallel replays must be thread-safe. Keep it quick: it runs on the client's callback
 * thread. Exceptions thrown by a listener are caught and ignored.
 */
public interface ReplayListener {
    /** A listener that does nothing. */
    ReplayListener NONE = new ReplayListener() {
    };

    /**
     * The client connected.
     *
     * @param reconnect {@code false} for the first connection, {@code true} after an automatic reconnect
     * @param serverUri the broker URL
     */
    default void onConnected(boolean reconnect, String serverUri) {
    }

    /**
     * The connection was lost (or the broker disconnected the client), or a first connection attempt failed and is
     * retried. Reading goes on into the spool; Paho reconnects by itself and unacknowledged messages are sent again.
     */
    default void onConnectionLost(String reason) {
    }

    /** A CSV row was skipped; {@code reason} is a key of {@link ReplaySummary#skipped()}. */
    default void onRowSkipped(long line, String reason, String detail) {
    }

    /**
     * A message was queued in the spool; the sender publishes it (again after a connection loss) until acknowledged.
     *
     * @param firstSeq          {@code seq} of its first row
     * @param rows              rows it carries
     * @param messagesPublished messages published so far, this one included
     */
    default void onPublished(long firstSeq, int rows, long messagesPublished) {
    }

    /**
     * The broker acknowledged a message (PUBACK with a success reason code).
     *
     * @param firstSeq             {@code seq} of its first row
     * @param messagesAcknowledged messages acknowledged so far, this one included
     */
    default void onAcknowledged(long firstSeq, long messagesAcknowledged) {
    }

    /**
     * The broker answered a message with a PUBACK reason code that means "not delivered, try again" (0x10 No
     * matching subscribers, 0x80, 0x83, 0x97): the message is kept and sent again after a pause.
     *
     * @param firstSeq   {@code seq} of its first row
     * @param reasonCode the PUBACK reason code
     * @param detail     a human-readable explanation
     */
    default void onNotDelivered(long firstSeq, int reasonCode, String detail) {
    }

    /**
     * The broker refused a message for good (a PUBACK reason code &gt;= 0x80 that retrying cannot fix, e.g. 0x87
     * not authorized). The message is kept (in the spool directory, if any) and the replay stops.
     */
    default void onDeliveryFailed(long firstSeq, String reason) {
    }
}
