package io.tenantry.ingest.quota;

/**
 * A token bucket in field values (the burst guard of issue 10): refills at {@code ratePerMinute}, holds at most
 * {@code capacity}; starts full. Not thread-safe (the caller synchronizes per tenant).
 */
public final class TokenBucket {
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last;

    /**
     * @param ratePerMinute refill, field values per minute (> 0)
     * @param capacity      largest burst, field values (> 0)
     * @param nowNanos      monotonic time now
     */
    public TokenBucket(double ratePerMinute, double capacity, long nowNanos) {
        this.perNano = ratePerMinute / 60e9;
        this.capacity = capacity;
        this.tokens = capacity;
        this.last = nowNanos;
    }

    /**
     * Takes {@code n} tokens if there are that many (a request larger than the capacity is taken when the bucket
     * is full, so no message is refused forever by its size alone).
     *
     * @return true when taken
     */
    public boolean tryTake(long n, long nowNanos) {
        long dt = nowNanos - last;
        if (dt > 0) {
            tokens = Math.min(capacity, tokens + dt * perNano);
            last = nowNanos;
        }
        double need = Math.min(n, capacity);
        if (tokens >= need) {
            tokens -= need;
            return true;
        }
        return false;
    }

    /** Tokens now (field values), after the last {@link #tryTake}. */
    public double tokens() {
        return tokens;
    }

    /** The capacity. */
    public double capacity() {
        return capacity;
    }
}
