package io.tenantry.ingest.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Releases acknowledgements in arrival order. MQTT v5 §4.6 requires a receiver to "send PUBACK packets in the
 * order in which the corresponding PUBLISH packets were received" [MQTT-4.6.0-2]; the fair
 * {@link EnvelopeQueue} hands messages to the writer round-robin across tenants, so the writer finishes them out
 * of order. An envelope whose points are durable waits here until every envelope that arrived before it is done.
 * The wait only delays the PUBACK, never the point's visibility in InfluxDB.
 * <p>
 * Orders are the queue's ({@link Envelope#order()}, 0, 1, 2, … with no gaps, every queued envelope is handled
 * exactly once by the writer). Used by the writer thread only; not thread-safe.
 */
final class AckSequencer {
    private final Map<Long, Envelope> done = new HashMap<>();
    private long next;

    /**
     * Records that {@code e} is durable.
     *
     * @return the envelopes that may be acknowledged now, in arrival order (possibly empty)
     */
    List<Envelope> complete(Envelope e) {
        if (e.order() < next) {
            return List.of(e); // not from the queue's numbering (tests) or already past: acknowledge directly
        }
        done.put(e.order(), e);
        List<Envelope> ready = new ArrayList<>();
        Envelope n;
        while ((n = done.remove(next)) != null) {
            ready.add(n);
            next++;
        }
        return ready;
    }

    /** Envelopes durable but waiting for an earlier one. */
    int waiting() {
        return done.size();
    }
}
