package io.tenantry.tools.bench;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** How the benchmark reads ingest's state (issue 15): drained, and a writer that stopped while points wait. */
class IngestStateTest {

    private static IngestState state(long queued, long inflight, long spooled, Instant lastWrite) {
        return new IngestState(queued, inflight, spooled, 1000, 100, 0, 0, "{}", "UP", lastWrite == null ? null : lastWrite.toString());
    }

    @Test
    void drainedOnlyWhenNothingIsQueuedInFlightOrSpooled() {
        assertThat(state(0, 0, 0, Instant.now()).drained()).isTrue();
        assertThat(state(1, 0, 0, Instant.now()).drained()).isFalse();
        assertThat(state(0, 1, 0, Instant.now()).drained()).isFalse();
        assertThat(state(0, 0, 1, Instant.now()).drained()).isFalse();
    }

    @Test
    void pointsWaitingWithNoWriteForMoreThan30SecondsIsCalledAStall() {
        assertThat(state(16_230, 2_952, 0, Instant.now().minusSeconds(90)).toString()).contains("STALLED").contains("16,230");
        assertThat(state(16_230, 2_952, 0, Instant.now()).toString()).doesNotContain("STALLED");
        assertThat(state(0, 0, 0, Instant.now().minusSeconds(90)).toString()).doesNotContain("STALLED"); // idle, not stalled
        assertThat(state(5, 0, 0, null).toString()).doesNotContain("STALLED");
    }
}
