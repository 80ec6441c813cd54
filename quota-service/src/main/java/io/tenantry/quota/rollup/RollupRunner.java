package io.tenantry.quota.rollup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.timeseries.Rollups;
import io.tenantry.core.timeseries.StoragePlacement;
import io.tenantry.core.timeseries.StoragePlacements;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One pass of the rollup job over every tenant (issue 11; docs/rollups.md). Per tenant, in transactions that hold
 * its watermark rows locked ({@link RollupStore#lock}):
 * <ol>
 *   <li><b>late data</b>: the ranges ingest recorded in {@code rollup_dirty} are read first, the windows they cover
 *       below the 1-minute watermark are recomputed from raw, and each row is deleted only at the version read (a
 *       merge meanwhile keeps it for the next pass);</li>
 *   <li><b>incremental</b>: raw time from the 1-minute watermark up to the last closed window (window end +
 *       {@link Rollups#ALLOWED_LATENESS} ≤ now) is rolled up in chunks of at most one hour, each chunk committing
 *       its watermarks, so a pass killed half way resumes at the last committed chunk and rewrites (overwrites)
 *       at most one chunk.</li>
 * </ol>
 * A tenant seen for the first time starts at the last closed minute: older raw data is rolled up through its
 * late-data ranges or by {@link #backfill}. Concurrency: the Quartz job is {@code @DisallowConcurrentExecution} in
 * a clustered store, and the row locks keep a backfill or a second scheduler off the same tenant's windows.
 * <p>
 * Metrics (Micrometer): {@code tenantry.rollup.lag{tier}} (seconds from the oldest watermark to now),
 * {@code tenantry.rollup.windows.recomputed} (1-minute windows recomputed for late data),
 * {@code tenantry.rollup.duration} (pass duration), {@code tenantry.rollup.points.read} (raw points),
 * {@code tenantry.rollup.points.written{tier}}, {@code tenantry.rollup.dirty.rows} (late-data rows waiting).
 */
public final class RollupRunner {
    private static final Logger log = LoggerFactory.getLogger(RollupRunner.class);
    private static final Duration CHUNK = Duration.ofHours(1);

    /**
     * Totals of a pass or a backfill.
     *
     * @param tenants             tenants fully processed
     * @param skipped             tenants another instance held (SKIP LOCKED) or that failed (logged, retried next pass)
     * @param rawPoints           raw points read
     * @param tenSecondPoints     10-second rollup points written
     * @param oneMinutePoints     1-minute rollup points written
     * @param windowsRecomputed   1-minute windows recomputed for late data
     * @param millis              duration
     */
    public record Summary(int tenants, int skipped, long rawPoints, long tenSecondPoints, long oneMinutePoints,
                          long windowsRecomputed, long millis) {
    }

    private final RollupStore store;
    private final RollupEngine engine;
    private final StoragePlacements placements;
    private final DSLContext dsl;
    private final Clock clock;
    private final Timer duration;
    private final Counter pointsRead;
    private final Counter tenWritten;
    private final Counter oneWritten;
    private final Counter recomputed;
    private final AtomicReference<Summary> last = new AtomicReference<>();

    public RollupRunner(RollupStore store, RollupEngine engine, StoragePlacements placements, DSLContext dsl, Clock clock,
                        MeterRegistry registry) {
        this.store = store;
        this.engine = engine;
        this.placements = placements;
        this.dsl = dsl;
        this.clock = clock;
        this.duration = Timer.builder("tenantry.rollup.duration").description("rollup pass duration").register(registry);
        this.pointsRead = Counter.builder("tenantry.rollup.points.read").description("raw points rolled up").register(registry);
        this.tenWritten = Counter.builder("tenantry.rollup.points.written").tag("tier", "10s").register(registry);
        this.oneWritten = Counter.builder("tenantry.rollup.points.written").tag("tier", "1m").register(registry);
        this.recomputed = Counter.builder("tenantry.rollup.windows.recomputed")
                .description("1-minute windows recomputed because of late data").register(registry);
        for (String tier : List.of("10s", "1m")) {
            Gauge.builder("tenantry.rollup.lag", () -> lagSeconds(tier)).tag("tier", tier).baseUnit("seconds")
                    .description("now minus the oldest rollup watermark").register(registry);
        }
        Gauge.builder("tenantry.rollup.dirty.rows", () -> safeDirty()).register(registry);
    }

    /**
     * One pass over every tenant.
     *
     * @param wait false (the scheduled job): skip a tenant another instance is rolling up; true (admin "run now"):
     *             wait for it, so that when this returns every window closed at its start is written
     */
    public Summary runOnce(boolean wait) {
        long t0 = System.nanoTime();
        Instant now = clock.instant();
        Instant closed10 = floor(now.minus(Rollups.ALLOWED_LATENESS), 10);
        Instant closed1m = floor(now.minus(Rollups.ALLOWED_LATENESS), 60);
        int done = 0;
        int skipped = 0;
        Outcome total = new Outcome();
        for (RollupStore.TenantPlan t : store.tenants()) {
            try {
                if (rollupTenant(t.id(), rawFloor(t, now), closed10, closed1m, wait, total)) {
                    done++;
                } else {
                    skipped++;
                }
            } catch (RuntimeException e) {
                skipped++;
                log.warn("rollup of tenant {} failed, retried next pass: {}", t.id(), e.toString());
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        duration.record(Duration.ofMillis(ms));
        Summary s = new Summary(done, skipped, total.raw, total.ten, total.one, total.recomputed, ms);
        last.set(s);
        return s;
    }

    /**
     * Rebuilds the rollups of one tenant for {@code [from, to)} (after a migration or a fix), holding the tenant's
     * watermark lock; the range is widened to whole minutes, cut at the last closed window, and starts no earlier
     * than the first whole minute inside the tenant's raw retention (older windows keep their rollups).
     *
     * @throws IllegalArgumentException when the tenant is unknown
     */
    public Summary backfill(UUID tenant, Instant from, Instant to) {
        long t0 = System.nanoTime();
        RollupStore.TenantPlan plan = store.tenant(tenant)
                .orElseThrow(() -> new IllegalArgumentException("unknown tenant " + tenant));
        Instant now = clock.instant();
        Instant closed10 = floor(now.minus(Rollups.ALLOWED_LATENESS), 10);
        Instant closed1m = floor(now.minus(Rollups.ALLOWED_LATENESS), 60);
        Instant start = max(floor(from, 60), rawFloor(plan, now));
        Instant end = ceil(to, 60);
        Outcome total = new Outcome();
        StoragePlacement placement = placements.placementOf(new TenantId(tenant));
        for (Instant c = start; c.isBefore(end) && c.isBefore(closed10); c = c.plus(CHUNK)) {
            Instant chunkEnd = min(c.plus(CHUNK), end);
            Instant cc = c;
            dsl.transaction(cfg -> {
                DSLContext tx = DSL.using(cfg);
                store.lock(tx, tenant, closed1m, true);
                total.add(engine.rollup(tenant, placement, cc, min(chunkEnd, closed10), min(chunkEnd, closed1m)));
            });
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Summary(1, 0, total.raw, total.ten, total.one, 0, ms);
    }

    /** The last pass's totals, or null before the first. */
    public Summary last() {
        return last.get();
    }

    /**
     * The first whole minute still inside the tenant's raw retention: windows before it may have lost raw points to
     * the retention job, so they are never recomputed (their rollups are kept as they are).
     */
    private static Instant rawFloor(RollupStore.TenantPlan t, Instant now) {
        return ceil(now.minus(Rollups.Tier.RAW.retention(t.rawRetentionDays(), t.aggregatedRetentionDays())), 60);
    }

    private boolean rollupTenant(UUID tenant, Instant rawFloor, Instant closed10, Instant closed1m, boolean wait, Outcome total) {
        StoragePlacement placement = placements.placementOf(new TenantId(tenant));
        boolean[] held = {true};
        boolean[] more = {true};
        boolean first = true;
        while (more[0] && held[0]) {
            boolean doDirty = first;
            first = false;
            dsl.transaction(cfg -> {
                DSLContext tx = DSL.using(cfg);
                var locked = store.lock(tx, tenant, closed1m, wait);
                if (locked.isEmpty()) {
                    held[0] = false;
                    return;
                }
                RollupStore.Watermarks w = locked.get();
                if (doDirty) {
                    lateData(tx, tenant, placement, w, rawFloor, total);
                }
                Instant from = max(w.oneMinute(), rawFloor); // a watermark left behind for days: never below raw retention
                if (!from.isBefore(closed10)) {
                    more[0] = false;
                    return;
                }
                Instant chunkEnd = from.plus(CHUNK);
                Instant to10 = min(chunkEnd, closed10);
                Instant to1m = min(chunkEnd, closed1m);
                total.add(engine.rollup(tenant, placement, from, to10, to1m));
                Instant new10 = w.tenSeconds().isAfter(to10) ? w.tenSeconds() : to10;
                store.advance(tx, tenant, new RollupStore.Watermarks(new10, to1m.isAfter(from) ? to1m : from));
                more[0] = chunkEnd.isBefore(closed10) && to1m.isAfter(from);
            });
        }
        return held[0];
    }

    /** Recomputes the windows below the 1-minute watermark that late points fell into. */
    private void lateData(DSLContext tx, UUID tenant, StoragePlacement placement, RollupStore.Watermarks w, Instant rawFloor,
                          Outcome total) {
        List<RollupStore.Dirty> rows = store.dirty(tx, tenant); // read before InfluxDB: see the class comment
        if (rows.isEmpty()) {
            return;
        }
        List<Instant[]> ranges = new ArrayList<>();
        for (RollupStore.Dirty d : rows) {
            Instant a = max(floor(d.min(), 60), rawFloor);
            Instant b = min(floor(d.max(), 60).plusSeconds(60), w.oneMinute());
            if (!a.isBefore(b)) {
                continue; // at or after the watermark: the incremental pass covers it
            }
            Instant[] lastRange = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (lastRange != null && !a.isAfter(lastRange[1])) {
                lastRange[1] = max(lastRange[1], b);
            } else {
                ranges.add(new Instant[]{a, b});
            }
        }
        for (Instant[] r : ranges) {
            for (Instant c = r[0]; c.isBefore(r[1]); c = c.plus(CHUNK)) {
                Instant e = min(c.plus(CHUNK), r[1]);
                total.add(engine.rollup(tenant, placement, c, e, e));
                long windows = Duration.between(c, e).toMinutes();
                total.recomputed += windows;
                recomputed.increment(windows);
            }
        }
        rows.forEach(d -> store.clearDirty(tx, tenant, d));
    }

    /** Seconds from the oldest watermark of the tier ({@code 10s}, {@code 1m}) to now; 0 without tenants, NaN when PostgreSQL fails. */
    public double lagSeconds(String tier) {
        try {
            return store.oldestWatermark(tier).map(w -> Duration.between(w, clock.instant()).toMillis() / 1000.0)
                    .orElse(0.0);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private double safeDirty() {
        try {
            return store.dirtyRows();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Mutable totals of one pass (also feeds the counters). */
    private final class Outcome {
        long raw;
        long ten;
        long one;
        long recomputed;

        void add(RollupEngine.Outcome o) {
            raw += o.rawPoints();
            ten += o.tenSecondPoints();
            one += o.oneMinutePoints();
            pointsRead.increment(o.rawPoints());
            tenWritten.increment(o.tenSecondPoints());
            oneWritten.increment(o.oneMinutePoints());
        }
    }

    static Instant floor(Instant t, long seconds) {
        return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), seconds) * seconds);
    }

    static Instant ceil(Instant t, long seconds) {
        Instant f = floor(t, seconds);
        return f.equals(t) ? t : f.plusSeconds(seconds);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
