package io.tenantry.ingest.stats;

/**
 * Counts events in one-second buckets over the last 60 seconds, for "per second over the last minute" rates.
 * Thread-safe.
 */
public final class RateWindow {
    private static final int SECONDS = 60;
    private final long[] counts = new long[SECONDS];
    private final long[] stamps = new long[SECONDS];

    /**
     * Adds {@code n} events at wall-clock time {@code nowMillis}.
     */
    public synchronized void add(long n, long nowMillis) {
        long s = Math.floorDiv(nowMillis, 1000);
        int i = (int) Math.floorMod(s, SECONDS);
        if (stamps[i] != s) {
            stamps[i] = s;
            counts[i] = 0;
        }
        counts[i] += n;
    }

    /**
     * Events per second averaged over the 60 seconds ending at {@code nowMillis} (the current second included).
     */
    public synchronized double perSecond(long nowMillis) {
        long s = Math.floorDiv(nowMillis, 1000);
        long sum = 0;
        for (int i = 0; i < SECONDS; i++) {
            if (stamps[i] > s - SECONDS && stamps[i] <= s) {
                sum += counts[i];
            }
        }
        return sum / (double) SECONDS;
    }
}
