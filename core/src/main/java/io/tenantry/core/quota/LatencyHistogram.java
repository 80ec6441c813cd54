package io.tenantry.core.quota;

/**
 * A mergeable latency histogram for publish→stored p95 (issue 10): {@link #BUCKETS} buckets, bucket 0 holds
 * 0–1 ms, bucket k (k ≥ 1) holds (1.25^(k-1), 1.25^k] ms, the last one everything above (1.25^94 ms ≈ 15 days).
 * Counts add up across instances and minutes (quota-service merges the {@code ingest_usage.latency_hist} arrays into {@code usage_minute} and {@code usage_day}),
 * and a percentile is read as its bucket's upper bound, so it is exact within 25 %.
 */
public final class LatencyHistogram {
    /** Number of buckets (length of the stored array). */
    public static final int BUCKETS = 96;
    private static final double LOG_GROWTH = Math.log(1.25);

    private LatencyHistogram() {
    }

    /** The bucket of a latency in milliseconds (negative counts as 0). */
    public static int bucket(long millis) {
        if (millis <= 1) {
            return 0;
        }
        int k = (int) Math.ceil(Math.log(millis) / LOG_GROWTH - 1e-9);
        return Math.min(Math.max(k, 1), BUCKETS - 1);
    }

    /** The upper bound in ms of bucket {@code k}. */
    public static long upperBound(int k) {
        return k == 0 ? 1 : (long) Math.ceil(Math.pow(1.25, k));
    }

    /**
     * @param counts   counts per bucket (length {@link #BUCKETS}, shorter arrays are read as zero-padded)
     * @param quantile in (0, 1], e.g. 0.95
     * @return the quantile's bucket upper bound in ms, or -1 when the histogram is empty
     */
    public static long quantile(long[] counts, double quantile) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int k = 0; k < counts.length; k++) {
            seen += counts[k];
            if (seen >= rank) {
                return upperBound(k);
            }
        }
        return upperBound(counts.length - 1);
    }
}
