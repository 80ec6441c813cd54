package io.tenantry.edge;

/**
 * Optional callback of a {@link ReliablePublisher}: connection events and the broker's answer to every message.
 * Every method has a no-op default; implement what you need.
 * <p>
 * Called from the MQTT client's threads, so an implementation shared by several publishers must be thread-safe.
 * Keep it quick: it runs on the client's callback thread. Exceptions thrown by a listener are caught and ignored.
 * {@code seq} is the label the message was published with ({@link ReliablePublisher#publish(byte[], long, int)}).
 */
public interface PublishListener {
    /** A listener that does nothing. */
    PublishListener NONE = new PublishListener() {
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
     * retried. Publishing goes on into the queue; the client reconnects by itself and unacknowledged messages (and
     * those acknowledged within the resend window) are sent again.
     */
    default void onConnectionLost(String reason) {
    }

    /**
     * The broker acknowledged a message with PUBACK 0x00 Success.
     *
     * @param seq                  the message's label
     * @param messagesAcknowledged messages acknowledged so far, this one included
     */
    default void onAcknowledged(long seq, long messagesAcknowledged) {
    }

    /**
     * The broker answered a message with a PUBACK reason code that means "not delivered, try again" (0x10 No
     * matching subscribers, 0x80, 0x83, 0x97): the message is kept and sent again after a pause.
     *
     * @param seq        the message's label
     * @param reasonCode the PUBACK reason code
     * @param detail     a human-readable explanation
     */
    default void onNotDelivered(long seq, int reasonCode, String detail) {
    }

    /**
     * The broker refused a message for good (a PUBACK reason code &gt;= 0x80 that retrying cannot fix, e.g. 0x87
     * not authorized). The message is kept (in the spool directory, if any) and the publisher stops sending.
     */
    default void onDeliveryFailed(long seq, String reason) {
    }

    /**
     * Ingest refused (part of) what this device sent and says why (issue 16): the JSON notice from
     * {@code <topic>/cmd/rejections}, e.g. {@code {"type":"rejection","reason":"wrong_type","detail":"...",
     * "elementsRejected":1,"elementsTotal":1,"receivedAt":"...","suppressed":0}}. Notices are rate-limited per
     * device ({@code suppressed} counts those held back before this one).
     */
    default void onRejectionNotice(String notice) {
    }
}
