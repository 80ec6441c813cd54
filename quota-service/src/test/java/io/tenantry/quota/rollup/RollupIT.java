package io.tenantry.quota.rollup;

import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.RollupReference;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TimeSeriesWriteException;
import io.tenantry.core.timeseries.TimeSeriesWriter;
import io.tenantry.testsupport.LocalStack;
import io.tenantry.testsupport.StackEnv;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 acceptance against the real stack: rollups equal the reference computed from raw (exact count, min,
 * max, last; mean to 1e-9), late data (30 min late, and into an already rolled-up window) is corrected by the next
 * pass, a pass killed half way is completed exactly by the next one, a tenant held by another instance is skipped,
 * and nothing crosses tenants. Raw points go in through ingest's own write path (the ingest user's writer wrapped
 * in {@code LateWriteRecorder}), so the late-data marks are the real ones.
 */
class RollupIT {
    static final StackEnv ENV = LocalStack.ensureUp();
    static final long S = 1_000_000_000L;
    static RollupFixture fx;

    @BeforeAll
    static void up() {
        fx = new RollupFixture(ENV);
    }

    @AfterAll
    static void down() {
        fx.cleanup();
    }

    /** Writes irregular points of two devices with float, integer, string and boolean fields into [from, to). */
    static int writeRaw(UUID tenant, long fromNs, long toNs, long seed) {
        Random rnd = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (String dev : List.of("d1", "d2")) {
            for (long t = fromNs; t < toNs; t += (long) (0.3 * S + rnd.nextInt(2900) * 1_000_000L)) {
                StringBuilder f = new StringBuilder("temp=" + (rnd.nextGaussian() * 1000 + 20));
                if (rnd.nextInt(4) > 0) {
                    f.append(",n=").append(rnd.nextInt(1000) - 500).append('i');
                }
                if (rnd.nextInt(3) == 0) {
                    f.append(",state=\"s ").append(rnd.nextInt(5)).append('"');
                }
                f.append(",ok=").append(rnd.nextBoolean());
                lines.add(tenant + ".telemetry,locatario_id=" + tenant + ",plc_id=" + dev + ",type=modbus_tcp,line=L1 " + f + " " + t);
            }
        }
        TimeSeriesWriter.Result r = fx.ingestWriter.write(SharedBuckets.RAW, lines);
        assertTrue(r.allAccepted(), r.rejected().toString());
        return lines.size();
    }

    static long minute(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), 60) * 60 * S;
    }

    static void assertExact(UUID tenant, long from, long to) {
        for (Bucket tier : List.of(SharedBuckets.PROCESSED, SharedBuckets.ONE_MINUTE)) {
            long w = tier == SharedBuckets.PROCESSED ? 10 * S : 60 * S;
            RollupReference.Report r = fx.check(tenant, tier, w, from, to);
            assertTrue(r.windowsChecked() > 0, "no window checked in " + tier.name());
            assertEquals(0, r.mismatches(), tier.name() + ": " + r.examples());
        }
    }

    @Test
    void rollupsEqualRawAggregatesAndLateDataIsCorrectedByTheNextPass() {
        UUID a = fx.tenant("PRO");
        UUID b = fx.tenant("PRO");
        RollupRunner runner = fx.runner(fx.jobsWriter);
        runner.runOnce(true); // watermarks start at the last closed minute
        long base = minute(Instant.now()) - 10 * 60 * S;
        writeRaw(a, base, base + 8 * 60 * S, 1);
        writeRaw(b, base, base + 8 * 60 * S, 2);
        RollupRunner.Summary s1 = runner.runOnce(true);
        assertTrue(s1.windowsRecomputed() >= 8, "points older than the watermark come in as late data: " + s1);
        assertExact(a, base - 40 * 60 * S, base + 8 * 60 * S);
        assertExact(b, base - 40 * 60 * S, base + 8 * 60 * S);

        // 30 min late, and into windows that already have rollups
        writeRaw(a, base - 20 * 60 * S, base - 19 * 60 * S, 3);
        writeRaw(a, base + 3 * 60 * S + 500_000_000L, base + 4 * 60 * S, 4);
        RollupReference.Report stale = fx.check(a, SharedBuckets.ONE_MINUTE, 60 * S, base - 40 * 60 * S, base + 8 * 60 * S);
        assertTrue(stale.mismatches() > 0, "the late points must make the old rollups wrong before the pass");
        RollupRunner.Summary s2 = runner.runOnce(false);
        assertTrue(s2.windowsRecomputed() >= 2, s2.toString());
        assertExact(a, base - 40 * 60 * S, base + 8 * 60 * S);
        assertExact(b, base - 40 * 60 * S, base + 8 * 60 * S);
        assertEquals(0, fx.dsl.fetchOne("SELECT count(*) FROM rollup_dirty WHERE tenant_id = ?", a).get(0, Integer.class));

        // a field and a measurement the engine has not seen (it remembers field types between passes): rolled up too
        long t0 = base + 5 * 60 * S;
        List<String> lines = new ArrayList<>();
        for (long t = t0; t < t0 + 60 * S; t += 2 * S) {
            lines.add(a + ".telemetry,locatario_id=" + a + ",plc_id=d1,type=modbus_tcp,line=L1 temp=" + (t % 97) + ",brand_new=" + (t % 13) + "i " + t);
            lines.add(a + ".vibration,locatario_id=" + a + ",plc_id=d2,type=modbus_tcp,line=L1 rms=" + (t % 7) + ".5 " + t);
        }
        assertTrue(fx.ingestWriter.write(SharedBuckets.RAW, lines).allAccepted());
        runner.runOnce(false);
        assertExact(a, base - 40 * 60 * S, base + 8 * 60 * S);
    }

    @Test
    void aPassKilledHalfWayIsCompletedExactlyByTheNext() {
        UUID a = fx.tenant("ENTERPRISE");
        RollupRunner runner = fx.runner(fx.jobsWriter);
        runner.runOnce(true);
        long base = minute(Instant.now()) - 4 * 3600 * S;
        writeRaw(a, base, base + 3 * 3600 * S, 5); // three one-hour chunks of the incremental pass
        // make the incremental pass do it: no late-data rows, watermarks 4 h back
        fx.dsl.execute("DELETE FROM rollup_dirty WHERE tenant_id = ?", a);
        fx.dsl.execute("UPDATE rollup_watermarks SET watermark = CAST(? AS timestamptz) WHERE tenant_id = ?",
                RollupStore.odt(Instant.ofEpochSecond(base / S)), a);
        AtomicInteger writes = new AtomicInteger();
        TimeSeriesWriter dying = (bucket, lines) -> {
            if (writes.incrementAndGet() == 4) { // chunk 2: its 10 s rollups are written, its 1 m write dies
                throw new TimeSeriesWriteException("killed", true, 503, null);
            }
            return fx.jobsWriter.write(bucket, lines);
        };
        RollupRunner.Summary killed = fx.runner(dying).runOnce(false);
        assertTrue(killed.skipped() >= 1, killed.toString());
        Instant wm = fx.dsl.fetchOne("SELECT watermark FROM rollup_watermarks WHERE tenant_id = ? AND tier = '1m'", a)
                .get(0, java.time.OffsetDateTime.class).toInstant();
        assertEquals(Instant.ofEpochSecond(base / S + 3600), wm, "chunk 1 committed, chunk 2 not");
        RollupReference.Report partial = fx.check(a, SharedBuckets.ONE_MINUTE, 60 * S, base, base + 3 * 3600 * S);
        assertTrue(partial.mismatches() >= 60, "the killed chunk's 1 m windows are missing: " + partial);

        runner.runOnce(true);
        assertExact(a, base, base + 3 * 3600 * S);
    }

    @Test
    void aTenantAnotherInstanceHoldsIsSkippedNotRolledUpTwice() {
        UUID a = fx.tenant("PRO");
        RollupRunner runner = fx.runner(fx.jobsWriter);
        runner.runOnce(true);
        try (var other = DSL.using(ENV.pgUrl(), ENV.pgAppUser(), ENV.pgAppPassword())) {
            other.transaction(cfg -> {
                assertTrue(fx.store.lock(DSL.using(cfg), a, Instant.now(), true).isPresent());
                long before = fx.dsl.fetchOne("SELECT count(*) FROM rollup_watermarks WHERE tenant_id = ?", a).get(0, Long.class);
                RollupRunner.Summary s = runner.runOnce(false);
                assertTrue(s.skipped() >= 1, s.toString());
                assertEquals(2, before);
            });
        }
    }

    @Test
    void backfillBuildsWhatNoMarkAnnouncedAndLeavesOtherTenantsAlone() {
        UUID a = fx.tenant("PRO");
        UUID b = fx.tenant("PRO");
        RollupRunner runner = fx.runner(fx.jobsWriter);
        runner.runOnce(true);
        long base = minute(Instant.now()) - 2 * 3600 * S;
        // the admin path: no late-data mark, so only a backfill rolls these up
        List<String> lines = new ArrayList<>();
        for (UUID t : List.of(a, b)) {
            for (long ts = base; ts < base + 30 * 60 * S; ts += 3 * S) {
                lines.add(t + ".telemetry,locatario_id=" + t + ",plc_id=p1 v=" + (ts / S % 97) * 0.5 + " " + ts);
            }
        }
        assertTrue(fx.adminWriter.write(SharedBuckets.RAW, lines).allAccepted());
        runner.runOnce(true);
        assertTrue(fx.check(a, SharedBuckets.ONE_MINUTE, 60 * S, base, base + 30 * 60 * S).mismatches() >= 30, "not announced");
        RollupRunner.Summary s = runner.backfill(a, Instant.ofEpochSecond(base / S + 1), Instant.ofEpochSecond(base / S + 1800));
        assertEquals(600, s.rawPoints(), s.toString());
        assertExact(a, base, base + 30 * 60 * S);
        assertEquals(0, fx.series(SharedBuckets.ONE_MINUTE, b).size(), "B was not backfilled");
    }
}
