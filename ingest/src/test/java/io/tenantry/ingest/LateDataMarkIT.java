package io.tenantry.ingest;

import io.tenantry.testsupport.LocalStackExtension;
import io.tenantry.testsupport.StackEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, late data: the running ingest service records the time range of late points it stored
 * ({@code rollup_dirty}, through {@code LateWriteRecorder} on its write port) and nothing for fresh points.
 */
@ExtendWith(LocalStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LateDataMarkIT {
    private final StackEnv env;
    private IngestFixtures fx;
    private InProcessIngest running;

    LateDataMarkIT(StackEnv env) {
        this.env = env;
    }

    @BeforeAll
    void start() throws Exception {
        fx = new IngestFixtures(env);
        running = InProcessIngest.start(env, fx, "late", p -> { });
    }

    @AfterAll
    void stop() throws Exception {
        if (running != null) {
            running.close();
        }
        fx.close();
    }

    @Test
    void latePointsAreMarkedFreshOnesAreNot() throws Exception {
        var t = fx.createTenant("late");
        var dev = fx.provisionedDevice(t, "press-1", "modbus_tcp", "{}");
        long fresh = Instant.now().toEpochMilli();
        dev.publish("{\"ts\": " + fresh + ", \"fields\": {\"v\": 1}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> fx.rows("telemetry", t.id()).size() == 1);
        assertThat(fx.dsl.fetchOne("SELECT count(*) FROM rollup_dirty WHERE tenant_id = ?", t.id()).get(0, Integer.class)).isZero();

        Instant late = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        dev.publish("[{\"ts\": " + late.toEpochMilli() + ", \"seq\": 2, \"fields\": {\"v\": 2}},"
                + " {\"ts\": " + (late.toEpochMilli() + 5000) + ", \"seq\": 3, \"fields\": {\"v\": 3}}]");
        await().atMost(Duration.ofSeconds(20)).until(() -> fx.rows("telemetry", t.id()).size() == 3);
        var row = fx.dsl.fetchOne("SELECT min_ts, max_ts FROM rollup_dirty WHERE tenant_id = ?", t.id());
        assertThat(row).isNotNull();
        assertThat(row.get(0, OffsetDateTime.class).toInstant()).isEqualTo(late);
        assertThat(row.get(1, OffsetDateTime.class).toInstant()).isEqualTo(late.plusMillis(5000));
    }
}
