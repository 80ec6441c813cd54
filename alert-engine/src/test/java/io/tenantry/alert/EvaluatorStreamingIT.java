package io.tenantry.alert;

import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.influx.InfluxV1TimeSeriesQuery;
import io.tenantry.alert.eval.Evaluator;
import io.tenantry.alert.eval.Ewma;
import io.tenantry.alert.rule.AlertRule;
import io.tenantry.alert.rule.RuleSpec;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.directory.JooqStoragePlacements;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The rules that read raw points (rate of change, anomaly) stream InfluxDB's answer in chunks (issue 15: one rule
 * with a long baseline over a busy device read every point into the shared alert-engine's heap). Against the real
 * InfluxDB, with 7-row chunks so every device's rows arrive split mid-series, the evaluator's values equal the
 * ones computed here from the points written: the EWMA score of {@link Ewma#score} over the same baseline and
 * window values, and {@code |last - first| / dt}.
 */
class EvaluatorStreamingIT {
    static final long S = 1_000_000_000L;

    @Test
    void rateOfChangeAndAnomalyOverChunkedAnswersEqualTheValuesOfThePointsWritten() {
        UUID tenant = AlertFixtures.tenant("ENTERPRISE");
        AlertFixtures.device(tenant, "shifted");
        AlertFixtures.device(tenant, "steady");
        Instant at = Instant.ofEpochSecond((System.currentTimeMillis() / 1000) - 3600);
        long atNs = at.getEpochSecond() * S;
        Duration window = Duration.ofMinutes(1);
        Duration baseline = Duration.ofMinutes(10);
        long split = atNs - window.toNanos();
        long from = split - baseline.toNanos();

        // 10 points/s: 6,000 baseline and 600 window points per device, plus points outside the range on both sides
        Random rnd = new Random(15);
        String m = TenantMeasurements.stored(tenant, "telemetry").replace(",", "\\,").replace(" ", "\\ ");
        Map<String, List<Double>> base = Map.of("shifted", new ArrayList<>(), "steady", new ArrayList<>());
        Map<String, List<Double>> win = Map.of("shifted", new ArrayList<>(), "steady", new ArrayList<>());
        Map<String, List<long[]>> winTimes = Map.of("shifted", new ArrayList<>(), "steady", new ArrayList<>());
        StringBuilder lines = new StringBuilder();
        for (String plc : List.of("shifted", "steady")) {
            for (long t = from - 5 * S; t <= atNs + 5 * S; t += S / 10) {
                double v = 10 + rnd.nextGaussian() + (plc.equals("shifted") && t > split ? 1.5 : 0);
                lines.append(String.format(Locale.ROOT, "%s,%s=%s,%s=%s temp=%s %d%n", m, SharedBuckets.TENANT_TAG, tenant,
                        SharedBuckets.DEVICE_TAG, plc, Double.toString(v), t));
                if (t > from && t <= split) {
                    base.get(plc).add(v);
                } else if (t > split && t <= atNs) {
                    win.get(plc).add(v);
                    winTimes.get(plc).add(new long[]{t, Double.doubleToLongBits(v)});
                }
            }
        }
        AlertFixtures.INFLUX.write(SharedBuckets.RAW.database(), SharedBuckets.RAW.retentionPolicy(), lines.toString());

        Evaluator evaluator = new Evaluator(new InfluxV1TimeSeriesQuery(new InfluxV1Client(AlertFixtures.ENV.influxUrl(),
                AlertFixtures.ENV.jobsInfluxUser(), AlertFixtures.ENV.jobsInfluxPassword(), Duration.ofSeconds(30))),
                new JooqStoragePlacements(AlertFixtures.DSL_APP), 7);

        Evaluator.Result anomaly = evaluator.observe(rule(tenant, new RuleSpec.Anomaly(List.of("temp"), 0.2, 3, baseline, window, 10, Duration.ZERO)),
                List.of("shifted", "steady"), at);
        for (String plc : List.of("shifted", "steady")) {
            double expected = Ewma.score(base.get(plc), win.get(plc), 0.2);
            assertThat(anomaly.byPlc().get(plc).value()).as(plc).isCloseTo(expected, within(1e-9 * Math.max(1, expected)));
        }
        assertThat(anomaly.byPlc().get("shifted").breach()).isTrue();
        assertThat(anomaly.byPlc().get("steady").breach()).isFalse();

        Evaluator.Result rate = evaluator.observe(rule(tenant, new RuleSpec.RateOfChange("temp", window, 0.5, Duration.ZERO)),
                List.of("shifted", "steady"), at);
        for (String plc : List.of("shifted", "steady")) {
            List<long[]> w = winTimes.get(plc);
            long[] first = w.get(0);
            long[] last = w.get(w.size() - 1);
            double expected = Math.abs(Double.longBitsToDouble(last[1]) - Double.longBitsToDouble(first[1])) / ((last[0] - first[0]) / 1e9);
            assertThat(rate.byPlc().get(plc).value()).as(plc).isCloseTo(expected, within(1e-12));
        }
    }

    private static AlertRule rule(UUID tenant, RuleSpec spec) {
        Instant now = Instant.now();
        return new AlertRule(UUID.randomUUID(), TenantId.of(tenant), "streamed", spec instanceof RuleSpec.Anomaly ? "anomaly" : "rate_of_change",
                true, "warning", "telemetry", null, spec, Map.of(), null, List.of(), Duration.ofSeconds(30), now, now);
    }
}
