package io.tenantry.ingest.pipeline;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers each device's recent {@code seq} values so a repeated element — a QoS 1 redelivery, or a device
 * re-sending after a lost PUBACK — does not create extra points (MVP brief: "retry+dedup").
 * <p>
 * The key is {@code (seq, ts)} for elements with a timestamp and {@code seq} alone for elements without one:
 * <ul>
 *   <li>an exact re-send (same seq, same ts) is dropped — InfluxDB would overwrite it anyway;</li>
 *   <li>a re-send without ts (which would get a new receive time, i.e. a new point) is dropped by its seq;</li>
 *   <li>the same seq with a <em>different</em> ts is kept: that is a device whose counter restarted (the edge agent
 *       starts every replay at seq 1), and dropping it would lose new data.</li>
 * </ul>
 * Per device it keeps at most {@code capacityPerDevice} keys, none older than {@code window}. In memory only: the
 * window is empty after an ingest restart and is not shared between instances (docs/telemetry.md, "Duplicates").
 * Thread-safe.
 */
public final class SeqDeduplicator {
    private record Key(long seq, long ts, boolean hasTs) {
    }

    private final long windowNanos;
    private final int capacityPerDevice;
    private final Map<UUID, LinkedHashMap<Key, Long>> byDevice = new ConcurrentHashMap<>();

    /**
     * @param window            how long a seq is remembered
     * @param capacityPerDevice how many seqs per device are remembered
     */
    public SeqDeduplicator(Duration window, int capacityPerDevice) {
        this.windowNanos = window.toNanos();
        this.capacityPerDevice = capacityPerDevice;
    }

    /**
     * Records an element's seq.
     *
     * @param device   the device
     * @param seq      the element's seq
     * @param tsNanos  the element's own timestamp, or null when it has none
     * @param nowNanos a monotonic time in ns
     * @return true when new (keep the element), false when seen within the window (drop it)
     */
    public boolean firstSeen(UUID device, long seq, Long tsNanos, long nowNanos) {
        Key key = tsNanos == null ? new Key(seq, 0, false) : new Key(seq, tsNanos, true);
        LinkedHashMap<Key, Long> seen = byDevice.computeIfAbsent(device, d -> new LinkedHashMap<>());
        synchronized (seen) {
            Iterator<Map.Entry<Key, Long>> it = seen.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<Key, Long> oldest = it.next();
                if (nowNanos - oldest.getValue() > windowNanos || seen.size() > capacityPerDevice) {
                    it.remove();
                } else {
                    break;
                }
            }
            if (seen.containsKey(key)) {
                return false;
            }
            seen.put(key, nowNanos);
            if (seen.size() > capacityPerDevice) {
                it = seen.entrySet().iterator();
                it.next();
                it.remove();
            }
            return true;
        }
    }

    /** Devices with remembered seqs. */
    public int devices() {
        return byDevice.size();
    }
}
