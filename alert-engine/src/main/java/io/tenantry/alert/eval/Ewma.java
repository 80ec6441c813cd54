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
        if (baseline.size() < 2 || window.isEmpty()) {
            return Double.NaN;
        }
        double mean = 0;
        for (double v : baseline) {
            mean += v;
        }
        mean /= baseline.size();
        double ss = 0;
        for (double v : baseline) {
            ss += (v - mean) * (v - mean);
        }
        double sigma = Math.sqrt(ss / (baseline.size() - 1));
        if (sigma == 0) {
            sigma = 1e-9 * Math.max(1, Math.abs(mean));
        }
        double z = mean;
        int n = 0;
        for (double x : window) {
            z = lambda * x + (1 - lambda) * z;
            n++;
        }
        double width = sigma * Math.sqrt(lambda / (2 - lambda) * (1 - Math.pow(1 - lambda, 2.0 * n)));
        return Math.abs(z - mean) / width;
    }
}
