package io.tenantry.ingest.pipeline;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SeqDeduplicatorTest {
    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();

    @Test
    void repeatedSeqWithoutTsOfTheSameDeviceIsADuplicate() {
        SeqDeduplicator d = new SeqDeduplicator(Duration.ofMinutes(10), 100);
        assertThat(d.firstSeen(a, 1, null, 0)).isTrue();
        assertThat(d.firstSeen(a, 2, null, 0)).isTrue();
        assertThat(d.firstSeen(a, 1, null, 1)).isFalse();
        assertThat(d.firstSeen(b, 1, null, 1)).isTrue(); // per device
        assertThat(d.firstSeen(a, 0, null, 2)).isTrue(); // out of order but new
        assertThat(d.firstSeen(a, 0, null, 3)).isFalse();
    }

    @Test
    void withTsTheKeyIsSeqAndTs() {
        SeqDeduplicator d = new SeqDeduplicator(Duration.ofMinutes(10), 100);
        assertThat(d.firstSeen(a, 1, 1_000L, 0)).isTrue();
        assertThat(d.firstSeen(a, 1, 1_000L, 1)).isFalse(); // exact re-send
        assertThat(d.firstSeen(a, 1, 5_000L, 2)).isTrue();  // counter restarted: new data
        assertThat(d.firstSeen(a, 1, null, 3)).isTrue();    // no ts: its own key space
        assertThat(d.firstSeen(a, 1, null, 4)).isFalse();
    }

    @Test
    void seqsAreForgottenAfterTheWindow() {
        SeqDeduplicator d = new SeqDeduplicator(Duration.ofSeconds(10), 100);
        long s = 1_000_000_000L;
        assertThat(d.firstSeen(a, 7, null, 0)).isTrue();
        assertThat(d.firstSeen(a, 7, null, 10 * s)).isFalse();
        assertThat(d.firstSeen(a, 8, null, 10 * s)).isTrue();
        assertThat(d.firstSeen(a, 7, null, 11 * s)).isTrue(); // the window passed
        assertThat(d.firstSeen(a, 8, null, 11 * s)).isFalse();
    }

    @Test
    void onlyTheLastCapacitySeqsAreRemembered() {
        SeqDeduplicator d = new SeqDeduplicator(Duration.ofHours(1), 3);
        for (long i = 1; i <= 4; i++) {
            assertThat(d.firstSeen(a, i, null, i)).isTrue();
        }
        assertThat(d.firstSeen(a, 1, null, 5)).isTrue(); // evicted
        assertThat(d.firstSeen(a, 4, null, 6)).isFalse();
        assertThat(d.firstSeen(a, 3, null, 6)).isFalse();
    }
}
