package io.tenantry.core.retry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    @Test
    void doublesUpToTheMaximumAndResets() {
        Backoff b = new Backoff(100, 500);
        assertThat(b.next()).isEqualTo(100);
        assertThat(b.next()).isEqualTo(200);
        assertThat(b.next()).isEqualTo(400);
        assertThat(b.peek()).isEqualTo(500);
        assertThat(b.next()).isEqualTo(500);
        assertThat(b.next()).isEqualTo(500);
        b.reset();
        assertThat(b.next()).isEqualTo(100);
    }

    @Test
    void theNthDelayFollowsTheSameRule() {
        assertThat(Backoff.delayForAttempt(1000, 16_000, 1)).isEqualTo(1000);
        assertThat(Backoff.delayForAttempt(1000, 16_000, 3)).isEqualTo(4000);
        assertThat(Backoff.delayForAttempt(1000, 16_000, 5)).isEqualTo(16_000);
        assertThat(Backoff.delayForAttempt(1000, 16_000, 1_000_000)).isEqualTo(16_000);
    }

    @Test
    void refusesBoundsThatAreNotPositiveAndOrdered() {
        assertThatThrownBy(() -> new Backoff(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(10, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
