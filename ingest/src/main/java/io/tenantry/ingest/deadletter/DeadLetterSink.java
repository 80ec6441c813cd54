package io.tenantry.ingest.deadletter;

import java.util.List;

/** Stores dead letters durably. */
public interface DeadLetterSink {
    /**
     * Stores the letters; when this returns they are durable (in PostgreSQL or in the local fallback file), so
     * the MQTT messages they came from may be acknowledged.
     *
     * @throws java.io.UncheckedIOException when neither PostgreSQL nor the local file could take them
     */
    void store(List<DeadLetter> letters);
}
