package io.tenantry.adapters.influx;

import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.BucketAdmin;
import io.tenantry.core.timeseries.Point;
import io.tenantry.testsupport.LocalStackExtension;
import io.tenantry.testsupport.StackEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The private InfluxDB is real, has auth on, and enforces per-database grants for non-admin users. */
@ExtendWith(LocalStackExtension.class)
class InfluxV1SmokeIT {
    private final StackEnv env;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final Bucket granted = new Bucket("smoke_ok_" + suffix, "autogen", Duration.ofDays(1));
    private final Bucket other = new Bucket("smoke_other_" + suffix, "autogen", Duration.ofDays(1));
    private final String user = "smoke_user_" + suffix;
    private InfluxV1Client admin;
    private InfluxV1BucketAdmin buckets;

    InfluxV1SmokeIT(StackEnv env) {
        this.env = env;
    }

    @BeforeEach
    void setUp() {
        admin = new InfluxV1Client(env.influxUrl(), env.influxAdminUser(), env.influxAdminPassword(), Duration.ofSeconds(10));
        buckets = new InfluxV1BucketAdmin(admin);
    }

    @AfterEach
    void tearDown() {
        buckets.dropUser(user);
        admin.execute("DROP DATABASE " + InfluxQL.ident(granted.database()));
        admin.execute("DROP DATABASE " + InfluxQL.ident(other.database()));
    }

    @Test
    void anonymousRequestsAreRefused() {
        InfluxV1Client anonymous = new InfluxV1Client(env.influxUrl(), null, null, Duration.ofSeconds(5));
        assertThatThrownBy(() -> anonymous.query("SHOW DATABASES", null))
                .isInstanceOfSatisfying(InfluxV1Exception.class, e -> assertThat(e.status()).isEqualTo(401));
    }

    @Test
    void nonAdminUserWritesAndReadsWhereGrantedOnly() {
        buckets.ensureBucket(granted);
        buckets.ensureBucket(other);
        buckets.ensureBucket(granted); // idempotent
        assertThat(buckets.databases()).contains(granted.database(), other.database());
        String password = UUID.randomUUID().toString();
        buckets.ensureUser(user, password, Set.of(new BucketAdmin.Grant(granted, BucketAdmin.Access.ALL)));

        InfluxV1Client scoped = new InfluxV1Client(env.influxUrl(), user, password, Duration.ofSeconds(10));
        InfluxV1TimeSeriesWriter writer = new InfluxV1TimeSeriesWriter(scoped);
        long ts = System.currentTimeMillis() * 1_000_000L + 123_456L;
        writer.writePoints(granted, List.of(new Point("smoke", new TreeMap<>(Map.of("locatario_id", "t1")),
                Map.of("Volume Flow RateRMS", 32.25, "n", 7L), ts)));

        List<List<Object>> rows = scoped.query("SELECT \"Volume Flow RateRMS\", n FROM smoke WHERE locatario_id = 't1'",
                granted.database()).get(0).rows();
        assertThat(rows).containsExactly(List.of(ts, 32.25, 7L));

        assertThatThrownBy(() -> scoped.query("SELECT * FROM smoke", other.database()))
                .isInstanceOf(InfluxV1Exception.class).hasMessageContaining("not authorized");
        assertThatThrownBy(() -> scoped.write(other.database(), null, "smoke v=1 1"))
                .isInstanceOfSatisfying(InfluxV1Exception.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> scoped.execute("CREATE DATABASE x_" + suffix))
                .isInstanceOf(InfluxV1Exception.class);

        // grants are made exact: narrowing to READ on the other bucket revokes the first one
        buckets.ensureUser(user, password, Set.of(new BucketAdmin.Grant(other, BucketAdmin.Access.READ)));
        assertThatThrownBy(() -> scoped.query("SELECT * FROM smoke", granted.database()))
                .isInstanceOf(InfluxV1Exception.class).hasMessageContaining("not authorized");
    }
}
