package io.tenantry.provisioning;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16: the API's readiness includes its dependencies. With InfluxDB stopped (telemetry would answer 503)
 * {@code /readyz} is 503; when it is back, 200 again. Liveness is unaffected.
 */
class ReadinessIT extends ProvisioningTestBase {
    int status(String path) {
        return http().get().uri(path).exchange().returnResult(String.class).getStatus().value();
    }

    @Test
    void readinessFollowsInfluxDb() throws Exception {
        assertThat(status("/readyz")).isEqualTo(200);
        ENV.stack("stop", "influxdb");
        try {
            assertThat(status("/readyz")).as("readiness with InfluxDB down").isEqualTo(503);
            assertThat(status("/livez")).isEqualTo(200);
        } finally {
            ENV.stack("start", "influxdb");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (status("/readyz") != 200 && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertThat(status("/readyz")).isEqualTo(200);
    }
}
