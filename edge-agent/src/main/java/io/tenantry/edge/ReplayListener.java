package io.tenantry.edge;

/**
 * Optional progress callback of a replay: the {@link PublishListener} events of its publisher (connection, the
 * broker's answers; {@code seq} is the seq of the message's first row) plus skipped rows and published messages.
 * Every method has a no-op default; implement what you need.
 * <p>
 * Called from the replay thread ({@link #onRowSkipped}, {@link #onPublished}) and from the MQTT client's threads
 * (the {@link PublishListener} methods), so an implementation shared by parallel replays must be thread-safe. Keep it
 * quick: it runs on the client's callback thread. Exceptions thrown by a listener are caught and ignored.
 */
public interface ReplayListener extends PublishListener {
    /** A listener that does nothing. */
    ReplayListener NONE = new ReplayListener() {
    };

    /** A CSV row was skipped; {@code reason} is a key of {@link ReplaySummary#skipped()}. */
    default void onRowSkipped(long line, String reason, String detail) {
    }

    /**
     * A message was queued by the publisher, which sends it (again after a connection loss) until acknowledged.
     *
     * @param firstSeq          {@code seq} of its first row
     * @param rows              rows it carries
     * @param messagesPublished messages published so far, this one included
     */
    default void onPublished(long firstSeq, int rows, long messagesPublished) {
    }
}
