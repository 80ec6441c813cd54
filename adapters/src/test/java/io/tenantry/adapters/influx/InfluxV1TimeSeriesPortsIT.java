package io.tenantry.adapters.influx;

import io.tenantry.adapters.contract.TimeSeriesQueryContract;
import io.tenantry.adapters.contract.TimeSeriesWriterContract;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.TimeSeriesQuery;
import io.tenantry.core.timeseries.TimeSeriesWriter;
import io.tenantry.testsupport.LocalStackExtension;
import io.tenantry.testsupport.StackEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The port contracts ({@link TimeSeriesWriterContract}, {@link TimeSeriesQueryContract}) against the real
 * InfluxDB 1.6.7 of the private stack: {@link InfluxV1TimeSeriesWriter} and {@link InfluxV1TimeSeriesQuery},
 * through a non-admin user granted ALL on one fresh bucket (the shape ingest and the API run with).
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InfluxV1TimeSeriesPortsIT implements TimeSeriesWriterContract, TimeSeriesQueryContract {
    private final StackEnv env;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final Bucket bucket = new Bucket("ports_" + suffix, "autogen", Duration.ofDays(0));
    private final String user = "ports_user_" + suffix;
    private InfluxV1Client admin;
    private InfluxV1BucketAdmin buckets;
    private InfluxV1Client scoped;

    InfluxV1TimeSeriesPortsIT(StackEnv env) {
        this.env = env;
    }

    @BeforeAll
    void setUp() {
        admin = new InfluxV1Client(env.influxUrl(), env.influxAdminUser(), env.influxAdminPassword(), Duration.ofSeconds(10));
        buckets = new InfluxV1BucketAdmin(admin);
        buckets.ensureBucket(bucket);
        String password = UUID.randomUUID().toString();
        buckets.ensureUser(user, password, java.util.Set.of(new io.tenantry.core.timeseries.BucketAdmin.Grant(bucket,
                io.tenantry.core.timeseries.BucketAdmin.Access.ALL)));
        scoped = new InfluxV1Client(env.influxUrl(), user, password, Duration.ofSeconds(10));
    }

    @AfterAll
    void tearDown() {
        buckets.dropUser(user);
        admin.execute("DROP DATABASE " + InfluxQL.ident(bucket.database()));
    }

    @Override
    public TimeSeriesWriter writer() {
        return new InfluxV1TimeSeriesWriter(scoped);
    }

    @Override
    public TimeSeriesQuery query() {
        return new InfluxV1TimeSeriesQuery(scoped);
    }

    @Override
    public Bucket bucket() {
        return bucket;
    }

    @Override
    public Bucket missingBucket() {
        return new Bucket("ports_missing_" + suffix, "autogen", Duration.ZERO);
    }

    private InfluxV1Client unreachable() {
        return new InfluxV1Client("http://127.0.0.1:1", user, "x", Duration.ofSeconds(2));
    }

    @Override
    public TimeSeriesWriter unreachableWriter() {
        return new InfluxV1TimeSeriesWriter(unreachable());
    }

    @Override
    public TimeSeriesQuery unreachableQuery() {
        return new InfluxV1TimeSeriesQuery(unreachable());
    }

    @Override
    public long count(Bucket b, String measurement, String field) {
        var rows = admin.query("SELECT count(" + InfluxQL.ident(field) + ") FROM " + InfluxQL.ident(measurement),
                b.database()).get(0).rows();
        return rows.isEmpty() ? 0 : ((Number) rows.get(0).get(1)).longValue();
    }

    @Override
    public void store(Bucket b, List<String> lines) {
        assertThat(writer().write(b, lines).rejected()).isEmpty();
    }

    @Override
    public String uniqueMeasurement() {
        return "m_" + UUID.randomUUID().toString().substring(0, 8);
    }
}
