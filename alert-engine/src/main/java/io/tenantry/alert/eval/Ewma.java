package io.tenantry.alert.eval;

import java.util.List;

/**
 * EWMA control chart (Roberts 1959; formulas of the NIST/SEMATECH e-Handbook of Statistical Methods §6.3.2.4
 * "EWMA Control Charts", and Montgomery, <i>Introduction to Statistical Quality Control</i>, §9.2):
 * {@code z_0 = μ}, {@code z_i = λ·x_i + (1-λ)·z_(i-1)}; out of control when
 * {@code |z_i - μ| > L·σ·sqrt(λ/(2-λ)·(1-(1-λ)^(2i)))}. μ and σ are the mean and sample standard deviation of a
 * baseline taken from the same device just before the evaluated window (not fitted on any labels). Defaults
 * λ = 0.2, L = 3: Montgomery's recommended range λ ∈ [0.05, 0.25] with L = 3 (in-control ARL ≈ 500 for λ = 0.2,
 * L = 3 on independent normal data, Montgomery table 9.11 / Lucas and Saccucci 1990).
 */
public final class Ewma {
    private Ewma() {
    }

    /**
     * @param baseline baseline values (at least 2)
     * @param window   values to chart, in time order (at least 1)
     * @return the last point's statistic {@code |z_n - μ| / (σ·sqrt(λ/(2-λ)·(1-(1-λ)^(2n))))}, in units of the
     *         control-limit σ (compare with L); NaN when there are too few values. A constant baseline (σ = 0) uses
     *         σ = 1e-9·max(1, |μ|), so any change is out of control.
     */
    public static double score(List<Double> baseline, List<Double> window, double lambda) {
        Chart c = new Chart(lambda);
        baseline.forEach(c::baseline);
        window.forEach(c::window);
        return c.score();
    }

    /**
     * The same chart fed one value at a time, in constant memory (issue 15: the evaluator streams InfluxDB's answer
     * instead of holding a rule's baseline points; a 7-day baseline of a busy device would not fit in the heap).
     * Baseline values first, then the window's in time order. μ and σ by Welford's online algorithm (Welford 1962;
     * Knuth, TAOCP vol. 2 §4.2.2): the sample standard deviation, equal to the two-pass formula up to rounding.
     */
    public static final class Chart {
        private final double lambda;
        private long baselineCount;
        private double mean;
        private double m2;
        private long windowCount;
        private double z;

        /** @param lambda the EWMA weight λ, in (0, 1] */
        public Chart(double lambda) {
            this.lambda = lambda;
        }

        /**
         * One baseline value.
         *
         * @throws IllegalStateException after the first window value (the baseline must come first)
         */
        public void baseline(double v) {
            if (windowCount > 0) {
                throw new IllegalStateException("baseline value after the window began");
            }
            baselineCount++;
            double d = v - mean;
            mean += d / baselineCount;
            m2 += d * (v - mean);
        }

        /** One window value, in time order; the chart starts at the baseline mean. */
        public void window(double x) {
            if (windowCount == 0) {
                z = mean;
            }
            z = lambda * x + (1 - lambda) * z;
            windowCount++;
        }

        /** Baseline values seen. */
        public long baselineCount() {
            return baselineCount;
        }

        /** The statistic of {@link Ewma#score}; NaN with fewer than 2 baseline values or no window value. */
        public double score() {
            if (baselineCount < 2 || windowCount == 0) {
                return Double.NaN;
            }
            double sigma = Math.sqrt(m2 / (baselineCount - 1));
            if (sigma == 0) {
                sigma = 1e-9 * Math.max(1, Math.abs(mean));
            }
            double width = sigma * Math.sqrt(lambda / (2 - lambda) * (1 - Math.pow(1 - lambda, 2.0 * windowCount)));
            return Math.abs(z - mean) / width;
        }
    }
}
