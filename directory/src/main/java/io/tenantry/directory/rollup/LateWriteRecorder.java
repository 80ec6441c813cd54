package io.tenantry.directory.rollup;

import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.Rollups;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.core.timeseries.TimeSeriesWriteException;
import io.tenantry.core.timeseries.TimeSeriesWriter;
import org.jooq.DSLContext;
import org.jooq.Query;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Late-data detection for the rollup job (issue 11; docs/rollups.md §Late data): a {@link TimeSeriesWriter}
 * decorator that, after each successful write, records in PostgreSQL ({@code rollup_dirty}, Flyway V8) the time
 * range of the stored points that may fall into windows the rollup job has already closed. A point is late when
 * its timestamp is older than {@code write completion − (Rollups.ALLOWED_LATENESS − Rollups.CLOCK_SKEW)}; younger
 * points always land before their window closes, so nothing is recorded for them (the normal case costs nothing).
 * <p>
 * Shape: one row per tenant and UTC hour of the point timestamps, holding the min and max timestamp; a batch
 * costs one multi-row upsert, only when it has late points. Bound: ≤ 720 rows per tenant (InfluxDB refuses raw
 * points older than the raw bucket's 30 days). The tenant is the stored measurement's UUID prefix
 * ({@link TenantMeasurements}); lines of other shapes are not recorded.
 * <p>
 * Errors: when PostgreSQL cannot record the range, the write is reported as failed and retriable
 * ({@link TimeSeriesWriteException}), so the caller writes the batch again (or spools it): a late point is never
 * stored without its window being marked for recomputation. Writing the same points again is harmless.
 */
public final class LateWriteRecorder implements TimeSeriesWriter {
    private static final long HOUR_NS = 3_600_000_000_000L;

    private final TimeSeriesWriter delegate;
    private final DSLContext dsl;
    private final Clock clock;

    /**
     * @param delegate the real write port
     * @param dsl      PostgreSQL as the app role
     * @param clock    write completion time
     */
    public LateWriteRecorder(TimeSeriesWriter delegate, DSLContext dsl, Clock clock) {
        this.delegate = delegate;
        this.dsl = dsl;
        this.clock = clock;
    }

    @Override
    public Result write(Bucket bucket, List<String> lines) {
        Result r = delegate.write(bucket, lines);
        Instant done = clock.instant();
        long threshold = nanos(done.minus(Rollups.ALLOWED_LATENESS).plus(Rollups.CLOCK_SKEW));
        Set<Integer> refused = new HashSet<>();
        r.rejected().forEach(x -> refused.add(x.index()));
        // (tenant, hour) -> [min, max]
        Map<String, long[]> ranges = new TreeMap<>();
        // issue 15: consecutive lines of one tenant and hour (a batch is mostly a device's points in order) update
        // the previous line's range directly, without a new key string, a map lookup and the prefix's regex check
        String prevLine = null;
        long prevHour = 0;
        long[] prevRange = null;
        for (int i = 0; i < lines.size(); i++) {
            if (!refused.isEmpty() && refused.contains(i)) {
                continue;
            }
            String line = lines.get(i);
            long ts = timestamp(line);
            if (ts == Long.MIN_VALUE || ts >= threshold || line.length() < 38 || line.charAt(36) != '.') {
                continue;
            }
            long hour = Math.floorDiv(ts, HOUR_NS);
            long[] mm;
            if (prevLine != null && hour == prevHour && line.regionMatches(0, prevLine, 0, 38)) {
                mm = prevRange; // same 38-character prefix as a line already checked, same hour
            } else {
                if (!TenantMeasurements.isNamespaced(line.substring(0, 38))) {
                    continue;
                }
                String key = line.substring(0, 36) + "|" + hour;
                mm = ranges.computeIfAbsent(key, k -> new long[]{Long.MAX_VALUE, Long.MIN_VALUE});
                prevLine = line;
                prevHour = hour;
                prevRange = mm;
            }
            mm[0] = Math.min(mm[0], ts);
            mm[1] = Math.max(mm[1], ts);
        }
        if (!ranges.isEmpty()) {
            record(ranges, done);
        }
        return r;
    }

    private void record(Map<String, long[]> ranges, Instant now) {
        List<Query> upserts = new ArrayList<>(ranges.size());
        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        for (Map.Entry<String, long[]> e : ranges.entrySet()) {
            int bar = e.getKey().indexOf('|');
            UUID tenant = UUID.fromString(e.getKey().substring(0, bar));
            long hour = Long.parseLong(e.getKey().substring(bar + 1));
            upserts.add(dsl.query("INSERT INTO rollup_dirty (tenant_id, hour_start, min_ts, max_ts, version, marked_at) "
                            + "SELECT ?, CAST(? AS timestamptz), CAST(? AS timestamptz), CAST(? AS timestamptz), 1, CAST(? AS timestamptz) WHERE EXISTS (SELECT 1 FROM tenants WHERE id = ?) "
                            + "ON CONFLICT (tenant_id, hour_start) DO UPDATE SET min_ts = LEAST(rollup_dirty.min_ts, EXCLUDED.min_ts), "
                            + "max_ts = GREATEST(rollup_dirty.max_ts, EXCLUDED.max_ts), version = rollup_dirty.version + 1, "
                            + "marked_at = EXCLUDED.marked_at",
                    tenant, odt(hour * HOUR_NS), odt(e.getValue()[0]), odt(e.getValue()[1]), at, tenant));
        }
        try {
            dsl.batch(upserts).execute();
        } catch (RuntimeException ex) {
            throw new TimeSeriesWriteException("points stored but their late-data range could not be recorded in PostgreSQL ("
                    + ex.getMessage() + "); the batch will be written again", true, 503, ex);
        }
    }

    /** The trailing timestamp of a line, or {@link Long#MIN_VALUE} when it has none. */
    static long timestamp(String line) {
        int sp = line.lastIndexOf(' ');
        if (sp < 0 || sp == line.length() - 1) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(line, sp + 1, line.length(), 10);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    private static OffsetDateTime odt(long nanos) {
        return OffsetDateTime.ofInstant(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                Math.floorMod(nanos, 1_000_000_000L)), ZoneOffset.UTC);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
