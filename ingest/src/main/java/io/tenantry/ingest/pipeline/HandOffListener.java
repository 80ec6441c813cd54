package io.tenantry.ingest.pipeline;

import io.tenantry.ingest.deadletter.DeadLetter;
import io.tenantry.ingest.spool.SpoolEntry;

import java.util.List;
import java.util.Set;

/**
 * Told by the {@link BatchWriter} about every batch once its points are durable (InfluxDB or the spool) and its
 * dead letters stored, just before its acknowledgements are sent (the metering hook of issue 10). Called on the
 * writer thread; must be quick and must not throw.
 */
@FunctionalInterface
public interface HandOffListener {
    /** Listens to nothing. */
    HandOffListener NONE = (batch, refused, deadLetters) -> { };

    /**
     * @param batch       the batch's messages
     * @param refused     its points InfluxDB refused (identity set; they became dead letters)
     * @param deadLetters its dead letters
     */
    void handedOff(List<Envelope> batch, Set<SpoolEntry> refused, List<DeadLetter> deadLetters);
}
