package io.tenantry.edge;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpeedTest {
    @Test
    void parsesTheCliForms() {
        assertThat(Speed.parse("real")).isEqualTo(Speed.REAL);
        assertThat(Speed.parse("MAX").isMax()).isTrue();
        assertThat(Speed.parse("x10").factor()).isEqualTo(10.0);
        assertThat(Speed.parse("10x").factor()).isEqualTo(10.0);
        assertThat(Speed.parse("60").factor()).isEqualTo(60.0);
        assertThat(Speed.parse("x0.5").factor()).isEqualTo(0.5);
        assertThat(Speed.parse("x10").toString()).isEqualTo("x10");
        assertThat(Speed.MAX.toString()).isEqualTo("max");
    }

    @Test
    void rejectsNonsense() {
        for (String s : new String[]{"", "fast", "x", "x0", "-2", "xNaN", "Infinity"}) {
            assertThatThrownBy(() -> Speed.parse(s)).as(s).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
