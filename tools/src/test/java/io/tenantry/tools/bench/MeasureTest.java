package io.tenantry.tools.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's verdict lines and payloads (issue 15): an invalid measurement never passes. */
class MeasureTest {

    private static String captured(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMeasurementWithMissingPointsFailsWhateverItsValue() {
        boolean[] pass = new boolean[2];
        String out = captured(() -> {
            pass[0] = Measure.target("end to end 1000 devices / 10 devices", 1.5, Measure.Bound.AT_LEAST, 0.8, "medians", null);
            pass[1] = Measure.target("end to end 1000 devices / 10 devices", 1.5, Measure.Bound.AT_LEAST, 0.8, "medians",
                    "3,470 points missing");
        });
        assertThat(pass[0]).isTrue();
        assertThat(pass[1]).isFalse();
        String[] lines = out.strip().split("\\R");
        assertThat(lines[0]).startsWith("[bench] TARGET ").endsWith("PASS");
        assertThat(lines[1]).contains("INVALID: 3,470 points missing").endsWith("FAIL");
    }

    @Test
    void aPhaseThatDidNotRunFails() {
        String out = captured(() -> assertThat(Measure.target("1000 TLS device connects, seconds", Double.NaN, Measure.Bound.AT_MOST, 10,
                "all at once", "phase failed: x")).isFalse());
        assertThat(out).contains("FAIL");
    }

    @Test
    void quantilesByNearestRankAndMedianOfEvenCounts() {
        assertThat(Measure.quantile(List.of(3.0, 1.0, 2.0, 4.0), 0.5)).isEqualTo(2.5);
        assertThat(Measure.quantile(List.of(3.0, 1.0, 2.0), 0.99)).isEqualTo(3.0);
        assertThat(Measure.quantile(List.of(), 0.5)).isNaN();
    }

    @Test
    void payloadRowsHaveDistinctSeqAndTimestampsOneMillisecondApart() {
        Instant base = Instant.parse("2026-11-30T00:00:00Z");
        String json = new String(IngestBenchmark.payload(base, 20, 10, 8), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\\{\"ts\":(\\d+),\"seq\":(\\d+)").matcher(json);
        Set<String> keys = new HashSet<>();
        long first = -1;
        int rows = 0;
        while (m.find()) {
            long ts = Long.parseLong(m.group(1));
            long seq = Long.parseLong(m.group(2));
            if (first < 0) {
                first = ts;
            }
            assertThat(ts - base.toEpochMilli()).isEqualTo(seq); // seq = the row's ms offset from base: the dedup key (seq, ts) never repeats
            keys.add(seq + "/" + ts);
            rows++;
        }
        assertThat(rows).isEqualTo(10);
        assertThat(keys).hasSize(10);
        assertThat(first).isEqualTo(base.toEpochMilli() + 20);
    }
}
