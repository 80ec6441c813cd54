package io.tenantry.provisioning.telemetry;

import io.tenantry.core.id.TenantId;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.SharedBuckets;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant condition of the telemetry query ({@link TelemetryQuery#statement}): whatever the caller names, the
 * InfluxQL reads only the tenant's own measurement in the tenant's bucket and carries
 * {@code "locatario_id"::tag = '<tenant>'} and the device condition, with names only as quoted identifiers.
 */
class TelemetryStatementTest {
    private final TenantId tenant = TenantId.parse("0b7c2a4e-8f11-4c5d-9e2f-3a6b7c8d9e0f");
    private final TenantId other = TenantId.parse("7d1e9f20-3c4b-4a5d-8e6f-102132435465");
    private final Instant from = Instant.parse("2024-01-01T00:00:00Z");
    private final Instant to = Instant.parse("2024-01-01T01:00:00Z");
    private final String tenantCondition = "WHERE \"locatario_id\"::tag = '" + tenant + "' AND \"plc_id\"::tag = 'press-1' AND time >= ";

    private String statement(String measurement, List<String> fields, String agg, String interval) {
        return TelemetryQuery.statement(SharedBuckets.RAW, tenant, "press-1", measurement, fields, agg, interval, from, to, 100);
    }

    @Test
    void rawPointsOfAllFields() {
        assertThat(statement("telemetry", List.of(), null, null)).isEqualTo(
                "SELECT *::field FROM \"processo_raw\".\"autogen\".\"" + tenant + ".telemetry\" " + tenantCondition
                        + "1704067200000000000 AND time <= 1704070800000000000 ORDER BY time ASC LIMIT 100");
    }

    @Test
    void everyShapeCarriesTheTenantConditionAndTheTenantsOwnMeasurement() {
        List<String> statements = List.of(
                statement("telemetry", List.of(), null, null),
                statement("telemetry", List.of("temp", "rpm"), null, null),
                statement("line-2", List.of(), "mean", "1m"),
                statement("telemetry", List.of("temp"), "max", "10s"));
        for (String q : statements) {
            assertThat(q).contains(" FROM \"processo_raw\".\"autogen\".\"" + tenant + ".");
            assertThat(q).contains(tenantCondition);
            assertThat(q).doesNotContain(other.toString());
        }
    }

    @Test
    void anotherTenantsMeasurementNameStaysInsideTheCallersNamespace() {
        // a tenant naming "<other uuid>.telemetry" still reads "<own uuid>.<other uuid>.telemetry"
        String q = statement(other + ".telemetry", List.of(), null, null);
        assertThat(q).contains("FROM \"processo_raw\".\"autogen\".\"" + tenant + "." + other + ".telemetry\" WHERE");
        assertThat(q).contains(tenantCondition);
    }

    @Test
    void quotesInNamesCannotCloseTheIdentifierOrDropTheCondition() {
        String evil = "x\" WHERE 1=1 OR \"locatario_id\"::tag = '" + other + "' --";
        String q = statement(evil, List.of(evil), "mean", "1m");
        assertThat(q).contains("\"" + tenant + ".x\\\" WHERE 1=1 OR \\\"locatario_id\\\"::tag = '" + other + "' --\"");
        assertThat(q).contains("mean(\"x\\\" WHERE");
        assertThat(q).contains(tenantCondition);
        assertThat(q).endsWith(" GROUP BY time(1m) fill(none) ORDER BY time ASC LIMIT 100");
    }

    @Test
    void theBucketIsTheOneThePlacementNames() {
        Bucket dedicated = new Bucket("acme_raw", "rp30", Duration.ofDays(30));
        String q = TelemetryQuery.statement(dedicated, tenant, "press-1", "telemetry", List.of(), null, null, from, to, 5);
        assertThat(q).contains(" FROM \"acme_raw\".\"rp30\".\"" + tenant + ".telemetry\" ").contains(tenantCondition);
    }
}
