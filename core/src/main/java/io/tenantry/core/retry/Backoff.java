package io.tenantry.core.retry;

import java.time.Duration;

/**
 * An exponential backoff: pauses that start at {@code initialMs} and double after every use up to {@code maxMs};
 * {@link #reset()} starts again from {@code initialMs}. The one pause rule of the project (issue 9 §6): the edge
 * agent's connection, publish and PUBACK-retry pauses (docs/telemetry.md, section 8.1), ingest's broker reconnects,
 * directory and writer retries, the tenant directory's LISTEN reconnects. (Retries with a retry budget and metrics,
 * like ingest's InfluxDB writes, use resilience4j's {@code Retry} with the same exponential shape.)
 * <p>
 * Not thread-safe: the caller guards it.
 */
public final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private long nextMs;

    /**
     * @param initialMs first pause, ms, &gt; 0
     * @param maxMs     longest pause, ms, &gt;= {@code initialMs}
     * @throws IllegalArgumentException when the bounds are not positive and ordered
     */
    public Backoff(long initialMs, long maxMs) {
        if (initialMs <= 0 || maxMs < initialMs) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initialMs + ".." + maxMs);
        }
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.nextMs = initialMs;
    }

    /** The pause to take now (ms); the following one is twice as long, at most the maximum. */
    public long next() {
        long p = nextMs;
        nextMs = Math.min(nextMs * 2, maxMs);
        return p;
    }

    /** The pause {@link #next()} would return, without using it. */
    public long peek() {
        return nextMs;
    }

    /** Back to the first pause (after a success). */
    public void reset() {
        nextMs = initialMs;
    }

    /**
     * The pause before attempt {@code attempt} (1 = after the first failure) of the same rule, for retries whose
     * state lives elsewhere (e.g. the attempts column of an outbox row): {@code min(max, initial * 2^(attempt-1))}.
     *
     * @return the pause, ms
     */
    public static long delayForAttempt(long initialMs, long maxMs, int attempt) {
        long p = initialMs;
        for (int i = 1; i < attempt && p < maxMs; i++) {
            p = Math.min(p * 2, maxMs);
        }
        return Math.min(p, maxMs);
    }

    /** A backoff from {@code initial} doubling up to {@code max}. */
    public static Backoff of(Duration initial, Duration max) {
        return new Backoff(initial.toMillis(), max.toMillis());
    }

    /**
     * Sleeps for {@link #next()} and returns how long (ms).
     *
     * @throws InterruptedException when interrupted while sleeping (shutdown)
     */
    public long pause() throws InterruptedException {
        long p = next();
        Thread.sleep(p);
        return p;
    }
}
