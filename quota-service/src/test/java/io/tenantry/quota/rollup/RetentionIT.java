package io.tenantry.quota.rollup;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TimeSeriesQuery;
import io.tenantry.directory.JooqStoragePlacements;
import io.tenantry.quota.retention.RetentionRunner;
import io.tenantry.testsupport.LocalStack;
import io.tenantry.testsupport.StackEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 11 acceptance: per-plan retention on the shared buckets. A FREE (raw 3 d, aggregated 30 d) and a PRO
 * (raw 7 d, aggregated 180 d) tenant each have points 4 days old in {@code processo_raw} (written with the admin
 * path) and 40-day-old rollups; after the retention pass FREE's 4-day raw points are gone and PRO's are there,
 * the 10 s tier (≤ 30 d) lost both tenants' 40-day points, the 1 m tier only FREE's. Fresh points stay everywhere.
 */
class RetentionIT {
    static final StackEnv ENV = LocalStack.ensureUp();
    static RollupFixture fx;

    @BeforeAll
    static void up() {
        fx = new RollupFixture(ENV);
    }

    @AfterAll
    static void down() {
        fx.cleanup();
    }

    static void write(Bucket b, UUID t, String field, Instant at) {
        long ns = at.getEpochSecond() * 1_000_000_000L;
        fx.adminWriter.write(b, List.of(t + ".telemetry,locatario_id=" + t + ",plc_id=p1 " + field + "=1 " + ns,
                t + ".telemetry,locatario_id=" + t + ",plc_id=p1 " + field + "=2 " + (ns + 1_000_000_000L)));
    }

    static long count(Bucket b, UUID t, Instant from, Instant to) {
        List<TimeSeriesQuery.Series> s = fx.admin.query(b, "SELECT count(*) FROM \"" + b.database() + "\".\"" + b.retentionPolicy()
                + "\".\"" + t + ".telemetry\" WHERE \"locatario_id\"::tag = '" + t + "' AND time >= "
                + from.getEpochSecond() + "s AND time < " + to.getEpochSecond() + "s");
        if (s.isEmpty()) {
            return 0;
        }
        long n = 0;
        for (int i = 1; i < s.get(0).columns().size(); i++) {
            Object v = s.get(0).rows().get(0).get(i);
            n = Math.max(n, v == null ? 0 : ((Number) v).longValue());
        }
        return n;
    }

    @Test
    void freeLosesFourDayOldRawPointsProKeepsThemOtherTiersFollowThePlan() {
        UUID free = fx.tenant("FREE");
        UUID pro = fx.tenant("PRO");
        Instant now = Instant.now();
        Instant fourDays = now.minus(Duration.ofDays(4));
        Instant fortyDays = now.minus(Duration.ofDays(40));
        Instant fresh = now.minus(Duration.ofHours(1));
        for (UUID t : List.of(free, pro)) {
            write(SharedBuckets.RAW, t, "v", fourDays);
            write(SharedBuckets.RAW, t, "v", fresh);
            write(SharedBuckets.PROCESSED, t, "v_mean", fortyDays);
            write(SharedBuckets.PROCESSED, t, "v_mean", fresh);
            write(SharedBuckets.ONE_MINUTE, t, "v_mean", fortyDays);
            write(SharedBuckets.ONE_MINUTE, t, "v_mean", fresh);
        }
        Instant day5 = now.minus(Duration.ofDays(5));
        Instant day3 = now.minus(Duration.ofDays(3));
        Instant day41 = now.minus(Duration.ofDays(41));
        Instant day39 = now.minus(Duration.ofDays(39));
        assertEquals(2, count(SharedBuckets.RAW, free, day5, day3));

        RetentionRunner retention = new RetentionRunner(fx.store, new JooqStoragePlacements(fx.dsl), fx.jobsQuery,
                Clock.systemUTC(), new SimpleMeterRegistry());
        RetentionRunner.Summary s = retention.runOnce();
        System.out.println("retention pass: " + s);
        assertEquals(0, s.failed());

        assertEquals(0, count(SharedBuckets.RAW, free, day5, day3), "FREE keeps raw 3 days");
        assertEquals(2, count(SharedBuckets.RAW, pro, day5, day3), "PRO keeps raw 7 days");
        assertEquals(0, count(SharedBuckets.PROCESSED, free, day41, day39), "10 s tier: at most 30 days");
        assertEquals(0, count(SharedBuckets.PROCESSED, pro, day41, day39), "10 s tier: at most 30 days");
        assertEquals(0, count(SharedBuckets.ONE_MINUTE, free, day41, day39), "FREE aggregated 30 days");
        assertEquals(2, count(SharedBuckets.ONE_MINUTE, pro, day41, day39), "PRO aggregated 180 days");
        for (UUID t : List.of(free, pro)) {
            for (Bucket b : List.of(SharedBuckets.RAW, SharedBuckets.PROCESSED, SharedBuckets.ONE_MINUTE)) {
                assertEquals(2, count(b, t, fresh.minusSeconds(5), now), "fresh points stay in " + b.name());
            }
        }
    }
}
