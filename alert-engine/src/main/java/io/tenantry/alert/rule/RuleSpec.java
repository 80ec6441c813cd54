package io.tenantry.alert.rule;

import java.time.Duration;
import java.util.List;

/**
 * The kind-specific parameters of an alert rule (issue 12 "Rules"), validated by {@link RuleSpecs}. Every kind has
 * {@code for}: how long the condition must hold (PENDING) before the rule fires; zero fires on the first breach.
 */
public sealed interface RuleSpec {
    /** How long a breach must last before FIRING. */
    Duration forDuration();

    /** The field names the rule reads (empty for {@link NoData}). */
    List<String> fields();

    /**
     * {@code <aggregate>(field) over window} compared with a limit. {@code above}: breach when value &gt;
     * {@code value}, clears when value &le; {@code clear} (hysteresis; default {@code value}); {@code below}: the
     * mirror image; {@code outside}: breach when value &lt; {@code low} or &gt; {@code high} (no hysteresis).
     *
     * @param aggregate one of {@link RuleSpecs#AGGREGATES}, computed by InfluxDB over {@code (t - window, t]}
     */
    record Threshold(String field, String aggregate, Duration window, String op, Double value, Double low, Double high,
                     Double clear, Duration forDuration) implements RuleSpec {
        public List<String> fields() {
            return List.of(field);
        }
    }

    /**
     * {@code |last - first| / (t_last - t_first)} of the field's points in {@code (t - window, t]}, in units per
     * second, above {@code limit}; unknown with fewer than two points.
     */
    record RateOfChange(String field, Duration window, double limit, Duration forDuration) implements RuleSpec {
        public List<String> fields() {
            return List.of(field);
        }
    }

    /** Breach when the device stored no point at all in {@code (t - after, t]} (device offline). */
    record NoData(Duration after, Duration forDuration) implements RuleSpec {
        public List<String> fields() {
            return List.of();
        }
    }

    /**
     * EWMA control chart per field against a trailing baseline (see {@link io.tenantry.alert.eval.Ewma}): the
     * baseline's mean and standard deviation come from the points in {@code (t - window - baseline, t - window]},
     * the EWMA runs over the points in {@code (t - window, t]} starting at the baseline mean; breach when any
     * field's EWMA leaves {@code mean ± limitSigmas · σ · sqrt(λ/(2-λ) · (1-(1-λ)^(2i)))}.
     *
     * @param lambda      EWMA weight λ, 0 &lt; λ &le; 1 (default 0.2)
     * @param limitSigmas L, the control limit width (default 3)
     * @param minBaseline fewest baseline points for a verdict (default 10); fewer → unknown
     */
    record Anomaly(List<String> fields, double lambda, double limitSigmas, Duration baseline, Duration window,
                   int minBaseline, Duration forDuration) implements RuleSpec {
    }
}
