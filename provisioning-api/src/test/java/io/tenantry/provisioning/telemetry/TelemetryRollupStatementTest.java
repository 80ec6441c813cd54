package io.tenantry.provisioning.telemetry;

import io.tenantry.core.id.TenantId;
import io.tenantry.core.timeseries.SharedBuckets;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tier=auto} statements: raw-field aggregates rewritten onto rollup fields, tenant and device always bound. */
class TelemetryRollupStatementTest {
    final TenantId tenant = new TenantId(UUID.fromString("7f3c2a9e-1b2c-4d5e-8f90-123456789abc"));
    final Instant from = Instant.ofEpochSecond(1);
    final Instant to = Instant.ofEpochSecond(2);

    String st(String agg, List<String> fields) {
        return TelemetryQuery.rollupStatement(SharedBuckets.ONE_MINUTE, tenant, "press-1", "telemetry", fields, agg, "1h", from, to, 10);
    }

    @Test
    void selectorsAndCountsUseTheirRollupField() {
        assertThat(st("max", List.of("temp"))).isEqualTo("SELECT max(\"temp_max\") AS \"temp\" FROM \"processo_1m\".\"autogen\"."
                + "\"7f3c2a9e-1b2c-4d5e-8f90-123456789abc.telemetry\" WHERE \"locatario_id\"::tag = '7f3c2a9e-1b2c-4d5e-8f90-123456789abc'"
                + " AND \"plc_id\"::tag = 'press-1' AND time >= 1000000000 AND time <= 2000000000 GROUP BY time(1h) fill(none)"
                + " ORDER BY time ASC LIMIT 10");
        assertThat(st("count", List.of("temp"))).startsWith("SELECT sum(\"temp_count\") AS \"temp\" FROM");
        assertThat(st("last", List.of("temp"))).startsWith("SELECT last(\"temp_last\") AS \"temp\" FROM");
    }

    @Test
    void theMeanIsWeightedByCountsInASubqueryThatKeepsTheTenantCondition() {
        String q = st("mean", List.of("temp", "x\" OR 1=1"));
        assertThat(q).startsWith("SELECT sum(\"w0\") / sum(\"c0\") AS \"temp\", sum(\"w1\") / sum(\"c1\") AS \"x\\\" OR 1=1\" FROM (SELECT "
                + "\"temp_mean\" * \"temp_count\" AS \"w0\", \"temp_count\" AS \"c0\", ");
        assertThat(q).contains("WHERE \"locatario_id\"::tag = '7f3c2a9e-1b2c-4d5e-8f90-123456789abc' AND \"plc_id\"::tag = 'press-1'");
        assertThat(q).contains(") WHERE time >= 1000000000 AND time <= 2000000000 GROUP BY time(1h)");
    }
}
