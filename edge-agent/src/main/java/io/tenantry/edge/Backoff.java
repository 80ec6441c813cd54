package io.tenantry.edge;

/**
 * An exponential backoff: pauses that start at {@code initialMs} and double after every use up to {@code maxMs};
 * {@link #reset()} starts again from {@code initialMs}. The one pause rule of the edge agent: the first-connection
 * retries (500 ms up to 5 s), the publish retries when the client is momentarily busy (5 ms up to 200 ms) and the
 * pause after a PUBACK asking for a retry (250 ms up to 4 s, reset by the next 0x00; docs/telemetry.md, section 8.1).
 * <p>
 * Not thread-safe: the caller guards it.
 */
final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private long nextMs;

    /**
     * @param initialMs first pause, ms, &gt; 0
     * @param maxMs     longest pause, ms, &gt;= {@code initialMs}
     * @throws IllegalArgumentException when the bounds are not positive and ordered
     */
    Backoff(long initialMs, long maxMs) {
        if (initialMs <= 0 || maxMs < initialMs) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initialMs + ".." + maxMs);
        }
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.nextMs = initialMs;
    }

    /** The pause to take now (ms); the following one is twice as long, at most the maximum. */
    long next() {
        long p = nextMs;
        nextMs = Math.min(nextMs * 2, maxMs);
        return p;
    }

    /** The pause {@link #next()} would return, without using it. */
    long peek() {
        return nextMs;
    }

    /** Back to the first pause (after a success). */
    void reset() {
        nextMs = initialMs;
    }
}
