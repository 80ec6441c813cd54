package io.tenantry.ingest.metering;

import io.tenantry.core.quota.LatencyHistogram;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyHistogramTest {
    @Test
    void aLatencyFallsInABucketWhoseUpperBoundIsWithin25PercentAbove() {
        for (long ms = 0; ms < 5_000_000; ms = ms * 3 / 2 + 1) {
            int k = LatencyHistogram.bucket(ms);
            long up = LatencyHistogram.upperBound(k);
            assertThat(up).as("%d ms", ms).isGreaterThanOrEqualTo(ms);
            assertThat((double) up).as("%d ms", ms).isLessThanOrEqualTo(Math.max(1, ms) * 1.25 + 1);
        }
    }

    @Test
    void p95OfMergedCounts() {
        long[] h = new long[LatencyHistogram.BUCKETS];
        for (int i = 0; i < 95; i++) {
            h[LatencyHistogram.bucket(10)]++;
        }
        for (int i = 0; i < 5; i++) {
            h[LatencyHistogram.bucket(5000)]++;
        }
        assertThat(LatencyHistogram.quantile(h, 0.95)).isEqualTo(LatencyHistogram.upperBound(LatencyHistogram.bucket(10)));
        h[LatencyHistogram.bucket(5000)]++;
        assertThat(LatencyHistogram.quantile(h, 0.95)).isGreaterThanOrEqualTo(5000);
        assertThat(LatencyHistogram.quantile(new long[LatencyHistogram.BUCKETS], 0.95)).isEqualTo(-1);
    }
}
