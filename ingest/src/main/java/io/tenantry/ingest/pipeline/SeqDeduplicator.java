package io.tenantry.ingest.pipeline;

import java.time.Duration;
import java.util.Iterator;
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
 * <p>
 * Memory (issue 15: 1,000 busy devices held ~110 B per key in boxed map entries, ~110 MB at the default capacity,
 * more than ingest's heap): a key is kept as one 64-bit hash of {@code (seq, ts, has ts)} plus its time, in
 * primitive arrays that grow with use, about 24 B per key (6 KiB for a device at the default 256 keys); devices
 * with nothing remembered inside the window are dropped by a sweep at most once per window. Two different keys
 * of one device with the same 64-bit hash would make the second look repeated: with 1,024 keys per device the odds
 * are about 2<sup>-54</sup> per element.
 */
public final class SeqDeduplicator {
    private static final int INITIAL = 16;

    private final long windowNanos;
    private final int capacityPerDevice;
    private final Map<UUID, Ring> byDevice = new ConcurrentHashMap<>();
    private volatile long lastSweep;
    private volatile boolean swept;

    /**
     * @param window            how long a seq is remembered
     * @param capacityPerDevice how many seqs per device are remembered (≥ 1)
     */
    public SeqDeduplicator(Duration window, int capacityPerDevice) {
        if (capacityPerDevice < 1) {
            throw new IllegalArgumentException("capacityPerDevice must be >= 1");
        }
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
        long key = tsNanos == null ? hash(seq, 0, false) : hash(seq, tsNanos, true);
        sweepIfDue(nowNanos);
        Ring seen = byDevice.computeIfAbsent(device, d -> new Ring(Math.min(INITIAL, capacityPerDevice)));
        synchronized (seen) {
            seen.expire(nowNanos, windowNanos);
            if (seen.contains(key)) {
                return false;
            }
            seen.add(key, nowNanos, capacityPerDevice);
            return true;
        }
    }

    /** Devices with remembered seqs. */
    public int devices() {
        return byDevice.size();
    }

    /** Keys remembered over all devices (for memory figures and tests). */
    public long keys() {
        long n = 0;
        for (Ring r : byDevice.values()) {
            synchronized (r) {
                n += r.size;
            }
        }
        return n;
    }

    private void sweepIfDue(long nowNanos) {
        if (swept && nowNanos - lastSweep <= windowNanos) {
            return;
        }
        synchronized (this) {
            if (swept && nowNanos - lastSweep <= windowNanos) {
                return;
            }
            lastSweep = nowNanos;
            swept = true;
        }
        Iterator<Ring> it = byDevice.values().iterator();
        while (it.hasNext()) {
            Ring r = it.next();
            synchronized (r) {
                r.expire(nowNanos, windowNanos);
                if (r.size == 0) {
                    it.remove();
                }
            }
        }
    }

    /** 64-bit mix of the key (murmur3's fmix64 over both halves). */
    static long hash(long seq, long ts, boolean hasTs) {
        long h = fmix(seq ^ 0x9E3779B97F4A7C15L) * 31 + fmix(ts ^ (hasTs ? 0xC2B2AE3D27D4EB4FL : 0x165667B19E3779F9L));
        h = fmix(h);
        return h == 0 ? 1 : h; // 0 marks an empty slot
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /**
     * One device's keys in arrival order (a ring of hash and time) with an open-addressing index (linear probing,
     * backward-shift deletion) from hash to ring slot. Guarded by its own monitor.
     */
    private static final class Ring {
        long[] keys;
        long[] at;
        int head; // oldest
        int size;
        int[] index; // ring slot + 1, 0 = empty; length a power of two >= 2 x ring length

        Ring(int capacity) {
            allocate(capacity);
        }

        private void allocate(int capacity) {
            keys = new long[capacity];
            at = new long[capacity];
            index = new int[Integer.highestOneBit(Math.max(2, capacity * 2 - 1)) << 1];
        }

        void expire(long now, long window) {
            while (size > 0 && now - at[head] > window) {
                removeOldest();
            }
        }

        boolean contains(long key) {
            int mask = index.length - 1;
            for (int i = (int) key & mask; ; i = (i + 1) & mask) {
                int s = index[i];
                if (s == 0) {
                    return false;
                }
                if (keys[s - 1] == key) {
                    return true;
                }
            }
        }

        void add(long key, long now, int capacityMax) {
            if (size == keys.length) {
                if (keys.length < capacityMax) {
                    grow(Math.min(capacityMax, keys.length * 2));
                } else {
                    removeOldest();
                }
            }
            int slot = (head + size) % keys.length;
            keys[slot] = key;
            at[slot] = now;
            size++;
            insertIndex(key, slot);
        }

        private void grow(int capacity) {
            long[] oldKeys = keys;
            long[] oldAt = at;
            int oldHead = head;
            int n = size;
            allocate(capacity);
            head = 0;
            size = 0;
            for (int i = 0; i < n; i++) {
                int from = (oldHead + i) % oldKeys.length;
                keys[i] = oldKeys[from];
                at[i] = oldAt[from];
                size++;
                insertIndex(keys[i], i);
            }
        }

        private void insertIndex(long key, int slot) {
            int mask = index.length - 1;
            int i = (int) key & mask;
            while (index[i] != 0) {
                i = (i + 1) & mask;
            }
            index[i] = slot + 1;
        }

        private void removeOldest() {
            int slot = head;
            long key = keys[slot];
            int mask = index.length - 1;
            int i = (int) key & mask;
            while (index[i] != slot + 1) {
                i = (i + 1) & mask;
            }
            // backward-shift deletion keeps every probe chain unbroken
            int j = i;
            while (true) {
                j = (j + 1) & mask;
                int s = index[j];
                if (s == 0) {
                    break;
                }
                int home = (int) keys[s - 1] & mask;
                boolean between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
                if (!between) {
                    index[i] = s;
                    i = j;
                }
            }
            index[i] = 0;
            head = (head + 1) % keys.length;
            size--;
        }
    }
}
