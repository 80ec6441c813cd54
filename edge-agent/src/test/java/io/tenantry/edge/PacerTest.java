package io.tenantry.edge;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Pacing on a fake clock: the sleeper advances the clock instead of sleeping. */
class PacerTest {
    private long now = 1_000_000_000L;
    private final List<Long> sleeps = new ArrayList<>();

    private Pacer pacer(Speed s) {
        return new Pacer(s, () -> now, nanos -> {
            sleeps.add(nanos);
            now += nanos;
        });
    }

    private static Instant t(long seconds) {
        return Instant.parse("2020-03-09T10:00:00Z").plusSeconds(seconds);
    }

    @Test
    void realSpeedKeepsTheOriginalSpacing() throws Exception {
        Pacer p = pacer(Speed.REAL);
        p.pace(t(0));
        p.pace(t(1));
        p.pace(t(3));
        assertThat(sleeps).containsExactly(1_000_000_000L, 2_000_000_000L);
    }

    @Test
    void timesNIsNTimesFasterAndAccountsForWorkDone() throws Exception {
        Pacer p = pacer(Speed.parse("x10"));
        p.pace(t(0));
        now += 30_000_000L; // 30 ms of work (publishing) between rows
        p.pace(t(1)); // due at 100 ms
        p.pace(t(2)); // due at 200 ms
        assertThat(sleeps).containsExactly(70_000_000L, 100_000_000L);
    }

    @Test
    void fractionalSpeedIsSlower() throws Exception {
        Pacer p = pacer(Speed.parse("0.5"));
        p.pace(t(0));
        p.pace(t(1));
        assertThat(sleeps).containsExactly(2_000_000_000L);
    }

    @Test
    void maxNeverSleeps() throws Exception {
        Pacer p = pacer(Speed.MAX);
        for (int i = 0; i < 100; i++) {
            assertThat(p.pace(t(i * 60L))).isZero();
        }
        assertThat(sleeps).isEmpty();
    }

    @Test
    void repeatedAndBackwardTimestampsAreSentAtOnceWithoutRewindingTheSchedule() throws Exception {
        Pacer p = pacer(Speed.REAL);
        p.pace(t(0));
        p.pace(t(5));
        p.pace(t(5)); // repeated
        p.pace(t(2)); // backwards
        p.pace(t(6));
        assertThat(sleeps).containsExactly(5_000_000_000L, 1_000_000_000L);
    }

    @Test
    void lateRowsCatchUpWithoutSleeping() throws Exception {
        Pacer p = pacer(Speed.REAL);
        p.pace(t(0));
        now += 10_000_000_000L; // e.g. 10 s blocked while the broker was down
        for (int i = 1; i <= 10; i++) {
            assertThat(p.pace(t(i))).isZero();
        }
        p.pace(t(12));
        assertThat(sleeps).containsExactly(2_000_000_000L);
    }

    @Test
    void offsetIsScaledBySpeed() throws Exception {
        Pacer p = pacer(Speed.times(4));
        p.pace(t(0));
        assertThat(p.offsetNanos(t(8))).isEqualTo(2_000_000_000L);
        assertThat(p.offsetNanos(t(-4))).isEqualTo(-1_000_000_000L);
    }

    @Test
    void realSleeperSleepsBriefly() throws Exception {
        Pacer p = new Pacer(Speed.times(1000));
        long start = System.nanoTime();
        p.pace(t(0));
        p.pace(t(20)); // 20 ms
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(19_000_000L);
    }
}
