package io.tenantry.ingest.metering;

import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.ingest.deadletter.DeadLetter;
import io.tenantry.ingest.pipeline.Envelope;
import io.tenantry.ingest.spool.SpoolEntry;
import io.tenantry.ingest.telemetry.RejectReason;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What the meter counts from a handed-off batch, and that it hands out absolute values (idempotent upserts). */
class UsageMeterTest {
    private static final UUID T = UUID.randomUUID();
    private static final String TOPIC = "plc/acme/plc-1";
    private static final Instant NOW = Instant.parse("2026-11-30T04:00:30Z");

    private static SpoolEntry point(String fields, long tsNanos) {
        return new SpoolEntry(T, TOPIC, SharedBuckets.RAW, "m,locatario_id=" + T + ",plc_id=plc-1 " + fields + " " + tsNanos);
    }

    private static Envelope env(List<SpoolEntry> points, List<DeadLetter> dead) {
        return new Envelope(TOPIC, 1, 1, 1, NOW.minusMillis(50), 0, "acme", points, dead, 0);
    }

    @Test
    void countsStoredPointsAndFieldValuesNotRefusedOnesNorOverwrittenRepeats() {
        UsageMeter m = new UsageMeter(Clock.fixed(NOW, ZoneOffset.UTC));
        long ts = NOW.toEpochMilli() * 1_000_000L;
        SpoolEntry refused = point("a=1,b=2", ts + 5);
        Envelope e = env(List.of(point("a=1,b=2", ts), point("a=3,b=4", ts), point("a=3,c=\"x, y=z\"", ts),
                point("a=1,b=2,c=3", ts + 1), refused), List.of());
        DeadLetter bad = new DeadLetter(NOW, TOPIC, T, RejectReason.MALFORMED_JSON, "x", new byte[0]);
        DeadLetter quota = new DeadLetter(NOW, TOPIC, T, RejectReason.QUOTA_EXCEEDED, "x", new byte[0]);
        m.handedOff(List.of(e), Set.of(refused), List.of(bad, quota));
        m.refused(T, "quota_exceeded", 40);
        List<UsageRow> rows = m.dirtyRows();
        assertThat(rows).hasSize(1);
        UsageRow r = rows.get(0);
        // the 2nd point repeats series and time (overwritten: nothing new), the 3rd adds field c; the 4th is new
        assertThat(r.points()).isEqualTo(2);
        assertThat(r.fieldValues()).isEqualTo(2 + 1 + 3);
        assertThat(r.messages()).isEqualTo(1);
        assertThat(r.rejected()).isEqualTo(Map.of("malformed_json", 1L, "quota_exceeded", 1L));
        assertThat(r.refusedFieldValues()).isEqualTo(40);
        assertThat(r.minute()).isEqualTo(Instant.parse("2026-11-30T04:00:00Z"));
        assertThat(r.latencyHist()).containsOnlyOnce(1L);
        assertThat(m.dirtyRows()).isEmpty();
        // absolute values: after more traffic the row carries the totals, and a failed store gives them back
        m.handedOff(List.of(env(List.of(point("a=9", ts + 2)), List.of())), Set.of(), List.of());
        List<UsageRow> again = m.dirtyRows();
        assertThat(again.get(0).points()).isEqualTo(3);
        m.stillDirty(again);
        assertThat(m.dirtyRows().get(0).fieldValues()).isEqualTo(7);
        assertThat(m.takeLastSeen()).containsEntry(new UsageMeter.DeviceKey(T, "plc-1"), NOW);
        assertThat(m.takeLastSeen()).isEmpty();
    }

    @Test
    void aRepeatOfARecentButNotThePreviousPointIsNotCountedAgainAcrossBatches() {
        UsageMeter m = new UsageMeter(Clock.fixed(NOW, ZoneOffset.UTC));
        long ts = NOW.toEpochMilli() * 1_000_000L;
        for (int i = 0; i < 20; i++) {
            m.handedOff(List.of(env(List.of(point("v=" + i, ts + i)), List.of())), Set.of(), List.of());
        }
        m.handedOff(List.of(env(List.of(point("v=99", ts + 7)), List.of())), Set.of(), List.of());
        assertThat(m.dirtyRows().get(0).fieldValues()).isEqualTo(20);
        // beyond the window it counts (documented limit)
        for (int i = 20; i < 20 + UsageMeter.RECENT; i++) {
            m.handedOff(List.of(env(List.of(point("v=" + i, ts + i)), List.of())), Set.of(), List.of());
        }
        m.handedOff(List.of(env(List.of(point("v=99", ts + 7)), List.of())), Set.of(), List.of());
        assertThat(m.dirtyRows().get(0).fieldValues()).isEqualTo(20 + UsageMeter.RECENT + 1);
    }

    @Test
    void aRepeatIsRecognisedAcrossAGenerationAndQuietDevicesAreForgotten() {
        Instant[] now = {NOW};
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        UsageMeter m = new UsageMeter(clock);
        long ts = NOW.toEpochMilli() * 1_000_000L;
        String other = "plc/acme/plc-2";
        m.handedOff(List.of(env(List.of(point("v=1", ts)), List.of())), Set.of(), List.of());
        m.handedOff(List.of(new Envelope(other, 1, 1, 1, NOW, 0, "acme", List.of(new SpoolEntry(T, other,
                SharedBuckets.RAW, "m,locatario_id=" + T + ",plc_id=plc-2 v=1 " + ts)), List.of(), 0)), Set.of(), List.of());
        assertThat(m.devicesRemembered()).isEqualTo(2);
        now[0] = NOW.plusSeconds(61); // next generation: plc-1's repeat is still recognised
        m.handedOff(List.of(env(List.of(point("v=1", ts)), List.of())), Set.of(), List.of());
        now[0] = NOW.plusSeconds(122); // plc-2 was silent for two generations: forgotten
        m.handedOff(List.of(env(List.of(point("v=2", ts + 1)), List.of())), Set.of(), List.of());
        assertThat(m.devicesRemembered()).isEqualTo(1);
        long fieldValues = m.dirtyRows().stream().mapToLong(UsageRow::fieldValues).sum();
        assertThat(fieldValues).isEqualTo(3); // plc-1's first and third point, plc-2's; not the repeat
    }
}
