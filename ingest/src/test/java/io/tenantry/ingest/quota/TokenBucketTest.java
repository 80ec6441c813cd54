package io.tenantry.ingest.quota;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {
    private static final long MINUTE = 60_000_000_000L;

    @Test
    void startsFullRefillsAtItsRateAndNeverAboveCapacity() {
        TokenBucket b = new TokenBucket(600, 1000, 0);
        assertThat(b.tryTake(1000, 0)).isTrue();
        assertThat(b.tryTake(1, 0)).isFalse();
        assertThat(b.tryTake(300, MINUTE / 2)).isTrue();   // 300 refilled in 30 s
        assertThat(b.tryTake(1, MINUTE / 2)).isFalse();
        assertThat(b.tryTake(1000, 100 * MINUTE)).isTrue(); // capped at 1000, not 60,000
        assertThat(b.tryTake(1, 100 * MINUTE)).isFalse();
    }

    @Test
    void aRequestLargerThanTheCapacityPassesOnlyFromAFullBucket() {
        TokenBucket b = new TokenBucket(60, 100, 0);
        assertThat(b.tryTake(5000, 0)).isTrue();
        assertThat(b.tryTake(5000, MINUTE)).isFalse();
        assertThat(b.tryTake(5000, 2 * MINUTE)).isTrue();
    }
}
