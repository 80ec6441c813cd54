package io.tenantry.quota.retention;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tenantry.adapters.influx.InfluxQL;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.Rollups;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.StoragePlacement;
import io.tenantry.core.timeseries.StoragePlacements;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.core.timeseries.TimeSeriesQuery;
import io.tenantry.quota.rollup.RollupStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Per-plan retention on the shared buckets (issue 11; docs/rollups.md §Retention). The buckets' retention policies
 * are the outer bound (the longest plan: raw 30 d, rollups 365 d); each tenant's shorter plan retention is enforced
 * by an InfluxQL {@code DELETE FROM /^<uuid>\./ WHERE "locatario_id" = '<uuid>' AND time < now − retention} per tier
 * ({@link Rollups.Tier#retention}: raw = plan raw retention, 1 m = aggregated retention, 10 s = aggregated capped at
 * 30 d). The statement names only the tenant's own measurements and its tag, so other tenants' points in the same
 * bucket are untouched. The plan is read at every pass: after a plan change the new retention applies from the
 * next pass (a shorter one deletes at once what is now too old; a longer one cannot bring back what was deleted).
 * Needs WRITE on the buckets (InfluxDB 1.x checks WRITE for DELETE): the jobs service user has ALL.
 */
public final class RetentionRunner {
    private static final Logger log = LoggerFactory.getLogger(RetentionRunner.class);

    /**
     * One pass.
     *
     * @param tenants   tenants processed
     * @param failed    tenants whose delete failed (logged, retried next pass)
     * @param deletes   DELETE statements run
     * @param millis    duration
     */
    public record Summary(int tenants, int failed, int deletes, long millis) {
    }

    private final RollupStore store;
    private final StoragePlacements placements;
    private final TimeSeriesQuery influx;
    private final Clock clock;
    private final Timer duration;

    /**
     * @param influx the query port as the jobs service user (DELETE runs through {@code POST /query})
     */
    public RetentionRunner(RollupStore store, StoragePlacements placements, TimeSeriesQuery influx, Clock clock,
                           MeterRegistry registry) {
        this.store = store;
        this.placements = placements;
        this.influx = influx;
        this.clock = clock;
        this.duration = Timer.builder("tenantry.retention.duration").description("retention pass duration").register(registry);
    }

    /** Deletes every tenant's points older than its plan's retention, tier by tier. */
    public Summary runOnce() {
        long t0 = System.nanoTime();
        Instant now = clock.instant();
        int done = 0;
        int failed = 0;
        int deletes = 0;
        for (RollupStore.TenantPlan t : store.tenants()) {
            try {
                deletes += enforce(t, now).size();
                done++;
            } catch (RuntimeException e) {
                failed++;
                log.warn("retention of tenant {} failed, retried next pass: {}", t.id(), e.toString());
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        duration.record(Duration.ofMillis(ms));
        return new Summary(done, failed, deletes, ms);
    }

    /** Enforces one tenant's retention; returns the statements run. */
    public List<String> enforce(RollupStore.TenantPlan t, Instant now) {
        StoragePlacement p = placements.placementOf(new TenantId(t.id()));
        List<String> run = new ArrayList<>();
        for (Rollups.Tier tier : Rollups.Tier.values()) {
            Duration keep = tier.retention(t.rawRetentionDays(), t.aggregatedRetentionDays());
            Bucket b = tier.bucket(p);
            String q = statement(t.id(), now.minus(keep));
            influx.query(b, q);
            run.add(b.name() + ": " + q);
        }
        return run;
    }

    /** The DELETE of one tenant's points before {@code cutoff}, in the bucket the query runs against. */
    static String statement(UUID tenant, Instant cutoff) {
        return "DELETE FROM /^" + TenantMeasurements.prefix(tenant).replace(".", "\\.") + "/ WHERE "
                + InfluxQL.ident(SharedBuckets.TENANT_TAG) + " = " + InfluxQL.string(tenant.toString())
                + " AND time < " + (cutoff.getEpochSecond() * 1_000_000_000L + cutoff.getNano());
    }
}
