package io.tenantry.tools.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo fits each data file into its tenant plan's time window (issue 8: ingest bounds timestamps per plan). */
class FitToWindowTest {
    @Test
    void aLongFileIsMovedAndCompressedByAWholeFactorKeepingOrderAndRepeats(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.csv");
        Files.writeString(in, """
                timestamp,value
                2013-07-04 00:00:00,1
                2013-07-09 00:00:00,2
                2013-07-09 00:00:00,3
                not a time,4
                2013-07-14 00:00:00,5
                """);
        Path out = dir.resolve("out.csv");
        Instant end = Instant.parse("2026-11-30T12:00:00Z");
        long factor = DemoJob.fitToWindow(in, ",", ZoneOffset.UTC, Duration.ofDays(2), end, out);
        assertThat(factor).isEqualTo(5); // 10 days into 2
        assertThat(Files.readAllLines(out)).containsExactly("timestamp,value", "2026-11-28 12:00:00,1", "2026-11-29 12:00:00,2",
                "2026-11-29 12:00:00,3", "not a time,4", "2026-11-30 12:00:00,5");
    }

    @Test
    void aShortFileIsOnlyMoved(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "datetime;a\n2020-03-09 10:14:33;1\n2020-03-09 10:14:34;2\n");
        Path out = dir.resolve("out.csv");
        long factor = DemoJob.fitToWindow(in, ";", java.time.ZoneId.of("Europe/Moscow"), Duration.ofDays(6),
                Instant.parse("2026-11-30T12:00:00Z"), out);
        assertThat(factor).isEqualTo(1);
        assertThat(Files.readAllLines(out)).containsExactly("datetime;a", "2026-11-30 14:59:59;1", "2026-11-30 15:00:00;2");
    }
}
