package io.tenantry.ingest.stats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateWindowTest {
    @Test
    void averagesOverTheLastSixtySeconds() {
        RateWindow w = new RateWindow();
        long t = 1_700_000_000_000L;
        for (int s = 0; s < 60; s++) {
            w.add(120, t + s * 1000L);
        }
        assertThat(w.perSecond(t + 59_000)).isEqualTo(120.0);
        assertThat(w.perSecond(t + 89_000)).isEqualTo(60.0); // half of the window has passed
        assertThat(w.perSecond(t + 200_000)).isZero();
        w.add(60, t + 200_000);
        assertThat(w.perSecond(t + 200_500)).isEqualTo(1.0);
    }
}
