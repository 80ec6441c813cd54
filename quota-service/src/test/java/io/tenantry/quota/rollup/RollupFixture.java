package io.tenantry.quota.rollup;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tenantry.adapters.bootstrap.PlatformBootstrap;
import io.tenantry.adapters.influx.InfluxV1BucketAdmin;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.influx.InfluxV1TimeSeriesQuery;
import io.tenantry.adapters.influx.InfluxV1TimeSeriesWriter;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.RollupReference;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.core.timeseries.TimeSeriesQuery;
import io.tenantry.core.timeseries.TimeSeriesWriter;
import io.tenantry.db.Schema;
import io.tenantry.directory.JooqStoragePlacements;
import io.tenantry.directory.rollup.LateWriteRecorder;
import io.tenantry.testsupport.StackEnv;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Real stack wiring for the rollup and retention ITs: the same classes the service and ingest use. */
final class RollupFixture {
    final StackEnv env;
    final DSLContext dsl;
    final TimeSeriesQuery admin;
    final TimeSeriesWriter adminWriter;
    final TimeSeriesQuery jobsQuery;
    final TimeSeriesWriter jobsWriter;
    /** What ingest writes through: the ingest user's writer wrapped in the late-data recorder. */
    final TimeSeriesWriter ingestWriter;
    final RollupStore store;
    final List<UUID> tenants = new ArrayList<>();

    RollupFixture(StackEnv env) {
        this.env = env;
        Schema.migrate(env.pgUrl(), env.pgOwnerUser(), env.pgOwnerPassword(), env.pgAppUser());
        InfluxV1Client adminClient = new InfluxV1Client(env.influxUrl(), env.influxAdminUser(), env.influxAdminPassword(),
                Duration.ofSeconds(30));
        InfluxV1BucketAdmin buckets = new InfluxV1BucketAdmin(adminClient);
        PlatformBootstrap.ensureBuckets(buckets);
        PlatformBootstrap.ensureInfluxUsers(buckets,
                new PlatformBootstrap.Credential(env.ingestInfluxUser(), env.ingestInfluxPassword()),
                new PlatformBootstrap.Credential(env.jobsInfluxUser(), env.jobsInfluxPassword()),
                new PlatformBootstrap.Credential(env.apiInfluxUser(), env.apiInfluxPassword()));
        dsl = DSL.using(env.pgUrl(), env.pgAppUser(), env.pgAppPassword()).configuration().set(org.jooq.SQLDialect.POSTGRES).dsl();
        admin = new InfluxV1TimeSeriesQuery(adminClient);
        adminWriter = new InfluxV1TimeSeriesWriter(adminClient);
        InfluxV1Client jobs = new InfluxV1Client(env.influxUrl(), env.jobsInfluxUser(), env.jobsInfluxPassword(), Duration.ofSeconds(30));
        jobsQuery = new InfluxV1TimeSeriesQuery(jobs);
        jobsWriter = new InfluxV1TimeSeriesWriter(jobs);
        ingestWriter = new LateWriteRecorder(new InfluxV1TimeSeriesWriter(new InfluxV1Client(env.influxUrl(),
                env.ingestInfluxUser(), env.ingestInfluxPassword(), Duration.ofSeconds(30))), dsl, Clock.systemUTC());
        store = new RollupStore(dsl);
    }

    /**
     * Rows per chunk of InfluxDB's answer in these tests: a prime far below a series' length, so every series
     * reaches the engine split over many chunks, mid-window (production reads 10,000 rows per chunk).
     */
    static final int CHUNK_ROWS = 7;

    RollupRunner runner(TimeSeriesWriter writer) {
        return new RollupRunner(store, new RollupEngine(jobsQuery, writer, CHUNK_ROWS), new JooqStoragePlacements(dsl), dsl,
                Clock.systemUTC(), new SimpleMeterRegistry());
    }

    UUID tenant(String plan) {
        UUID id = UUID.randomUUID();
        String slug = "ru-" + id.toString().substring(0, 8);
        OffsetDateTime now = OffsetDateTime.now();
        dsl.execute("INSERT INTO tenants (id, slug, name, status, plan, created_at, updated_at) VALUES (?, ?, ?, 'ACTIVE', ?, CAST(? AS timestamptz), CAST(? AS timestamptz))",
                id, slug, "IT " + slug, plan, now, now);
        tenants.add(id);
        return id;
    }

    void cleanup() {
        for (UUID t : tenants) {
            dsl.execute("DELETE FROM tenants WHERE id = ?", t);
        }
    }

    /** Every series of a tenant's measurements in a bucket: "measurement|tags" → raw points. */
    Map<String, List<RollupReference.Raw>> series(Bucket bucket, UUID tenant) {
        String q = "SELECT * FROM \"" + bucket.database() + "\".\"" + bucket.retentionPolicy() + "\"./^"
                + TenantMeasurements.prefix(tenant).replace(".", "\\.") + "/ WHERE \"locatario_id\"::tag = '" + tenant
                + "' GROUP BY *";
        Map<String, List<RollupReference.Raw>> out = new TreeMap<>();
        for (TimeSeriesQuery.Series s : admin.query(bucket, q)) {
            List<RollupReference.Raw> pts = out.computeIfAbsent(s.measurement() + "|" + new TreeMap<>(s.tags()), k -> new ArrayList<>());
            for (List<Object> row : s.rows()) {
                Map<String, Object> f = new LinkedHashMap<>();
                for (int i = 1; i < row.size(); i++) {
                    if (row.get(i) != null && !s.tags().containsKey(s.columns().get(i))) {
                        f.put(s.columns().get(i), row.get(i));
                    }
                }
                pts.add(new RollupReference.Raw(((Number) row.get(0)).longValue(), f));
            }
        }
        return out;
    }

    /** Compares every stored rollup of the tenant in a tier with the reference computed from its raw points. */
    RollupReference.Report check(UUID tenant, Bucket tier, long windowNanos, long fromNanos, long toNanos) {
        Map<String, List<RollupReference.Raw>> raw = series(SharedBuckets.RAW, tenant);
        Map<String, List<RollupReference.Raw>> rolled = series(tier, tenant);
        RollupReference.Report r = RollupReference.Report.EMPTY;
        java.util.Set<String> keys = new java.util.TreeSet<>(raw.keySet());
        keys.addAll(rolled.keySet());
        for (String k : keys) {
            List<RollupReference.Raw> in = raw.getOrDefault(k, List.of()).stream()
                    .filter(p -> p.timeNanos() >= fromNanos && p.timeNanos() < toNanos).toList();
            Map<Long, Map<String, Object>> actual = new HashMap<>();
            for (RollupReference.Raw p : rolled.getOrDefault(k, List.of())) {
                if (p.timeNanos() >= fromNanos && p.timeNanos() < toNanos) {
                    actual.put(p.timeNanos(), p.fields());
                }
            }
            r = r.plus(RollupReference.compare(k, RollupReference.expected(in, windowNanos), actual));
        }
        return r;
    }
}
