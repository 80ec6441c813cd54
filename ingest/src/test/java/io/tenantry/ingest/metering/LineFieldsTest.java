package io.tenantry.ingest.metering;

import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.Point;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Field count and timestamp read back from lines LineProtocol writes, with the characters it escapes. */
class LineFieldsTest {
    private static final String[] NASTY = {"a", "b c", "d,e", "f=g", "h\"i", "j\\k", "x=\"1,2\" 3", ",", " ", "="};

    @Test
    void countsFieldsAndReadsTheTimestampOfGeneratedLines() {
        Random rnd = new Random(42);
        for (int i = 0; i < 2000; i++) {
            TreeMap<String, String> tags = new TreeMap<>();
            tags.put("locatario_id", "t");
            tags.put("k " + i, "v,=" + i);
            Map<String, Object> fields = new LinkedHashMap<>();
            int n = 1 + rnd.nextInt(12);
            for (int f = 0; f < n; f++) {
                String key = "f" + f + (rnd.nextBoolean() ? " ,=" : "");
                fields.put(key, switch (rnd.nextInt(4)) {
                    case 0 -> rnd.nextDouble();
                    case 1 -> (long) rnd.nextInt();
                    case 2 -> rnd.nextBoolean();
                    default -> NASTY[rnd.nextInt(NASTY.length)] + NASTY[rnd.nextInt(NASTY.length)];
                });
            }
            long ts = 1_700_000_000_000_000_000L + rnd.nextInt(1_000_000);
            String line = LineProtocol.toLine(new Point("m, x", tags, fields, ts));
            assertThat(LineFields.fieldCount(line)).as(line).isEqualTo(n);
            assertThat(LineFields.timestampNanos(line)).as(line).isEqualTo(ts);
        }
    }

    @Test
    void aLineWithoutFieldsHasNone() {
        assertThat(LineFields.fieldCount("m,a=b")).isZero();
        assertThat(LineFields.timestampNanos("m,a=b x=1")).isEqualTo(Long.MIN_VALUE);
    }
}
