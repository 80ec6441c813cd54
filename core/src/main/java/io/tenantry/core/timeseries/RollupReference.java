package io.tenantry.core.timeseries;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The reference computation of rollups straight from raw points, in plain Java, and the comparison of stored
 * rollups against it (issue 11 acceptance; used by the rollup ITs and the main job's {@code rollup_windows_checked}
 * / {@code rollup_mismatches}). Independent of the job's own path (InfluxQL 10-second aggregates, 1-minute windows
 * derived from them), so agreement checks the job.
 * <p>
 * Equality rule: {@code count}, {@code min}, {@code max}, {@code last} exactly (numbers compared as numbers:
 * JSON shows float {@code 7.0} as {@code 7}); {@code mean} to 1e-9 relative to the largest magnitude among the
 * two means and the window's values (a plain relative test is meaningless when values cancel to a mean near 0).
 * A window present on one side only is a mismatch.
 */
public final class RollupReference {
    /** Relative tolerance of {@code mean}. */
    public static final double MEAN_TOLERANCE = 1e-9;

    /**
     * One raw point of one series.
     *
     * @param timeNanos epoch nanoseconds
     * @param fields    field → Double, Long, Boolean or String
     */
    public record Raw(long timeNanos, Map<String, Object> fields) {
    }

    /**
     * The outcome of a comparison.
     *
     * @param windowsChecked windows on either side
     * @param mismatches     windows that differ or exist on one side only
     * @param examples       up to 5 descriptions of mismatches
     */
    public record Report(long windowsChecked, long mismatches, List<String> examples) {
        public Report plus(Report o) {
            List<String> ex = new ArrayList<>(examples);
            o.examples.stream().limit(Math.max(0, 5 - ex.size())).forEach(ex::add);
            return new Report(windowsChecked + o.windowsChecked, mismatches + o.mismatches, ex);
        }

        public static final Report EMPTY = new Report(0, 0, List.of());
    }

    private RollupReference() {
    }

    /**
     * The expected rollup points of one series.
     *
     * @param raw          the series' raw points, any order
     * @param windowNanos  window length (10 s or 1 min in ns)
     * @return window start (epoch ns) → rollup field ({@link Rollups#field}) → value; plus, under the key
     *         {@code ""}, the largest |value| of the window's numeric points (for the mean tolerance)
     */
    public static TreeMap<Long, Map<String, Object>> expected(List<Raw> raw, long windowNanos) {
        List<Raw> sorted = new ArrayList<>(raw);
        sorted.sort((a, b) -> Long.compare(a.timeNanos, b.timeNanos));
        TreeMap<Long, Map<String, Object>> out = new TreeMap<>();
        Map<Long, Map<String, double[]>> sums = new TreeMap<>();
        for (Raw p : sorted) {
            long w = Math.floorDiv(p.timeNanos, windowNanos) * windowNanos;
            Map<String, Object> f = out.computeIfAbsent(w, k -> new TreeMap<>());
            Map<String, double[]> s = sums.computeIfAbsent(w, k -> new TreeMap<>());
            for (Map.Entry<String, Object> e : p.fields.entrySet()) {
                String k = e.getKey();
                Object v = e.getValue();
                if (v == null) {
                    continue;
                }
                f.merge(Rollups.field(k, "count"), 1L, (a, b) -> (Long) a + 1L);
                f.put(Rollups.field(k, "last"), v);
                if (v instanceof Number n) {
                    double d = n.doubleValue();
                    f.merge(Rollups.field(k, "min"), v, (a, b) -> ((Number) a).doubleValue() <= d ? a : b);
                    f.merge(Rollups.field(k, "max"), v, (a, b) -> ((Number) a).doubleValue() >= d ? a : b);
                    double[] acc = s.computeIfAbsent(k, x -> new double[2]);
                    acc[0] += d;
                    acc[1]++;
                    f.merge("", Math.abs(d), (a, b) -> Math.max((Double) a, (Double) b));
                }
            }
        }
        sums.forEach((w, s) -> s.forEach((k, acc) -> out.get(w).put(Rollups.field(k, "mean"), acc[0] / acc[1])));
        out.values().removeIf(m -> m.keySet().stream().allMatch(String::isEmpty));
        return out;
    }

    /**
     * Compares stored rollup points of one series with {@link #expected}.
     *
     * @param label    names the series in the examples
     * @param expected from {@link #expected}
     * @param actual   window start (epoch ns) → stored rollup fields
     */
    public static Report compare(String label, Map<Long, Map<String, Object>> expected, Map<Long, Map<String, Object>> actual) {
        TreeMap<Long, Boolean> all = new TreeMap<>();
        expected.keySet().forEach(k -> all.put(k, true));
        actual.keySet().forEach(k -> all.put(k, true));
        long mismatches = 0;
        List<String> examples = new ArrayList<>();
        for (Long w : all.keySet()) {
            Map<String, Object> e = expected.get(w);
            Map<String, Object> a = actual.get(w);
            String why = null;
            if (e == null || a == null) {
                why = e == null ? "rollup window without raw data" : "raw data without rollup window";
            } else {
                double scale = e.get("") instanceof Double d ? d : 0.0;
                for (Map.Entry<String, Object> x : e.entrySet()) {
                    if (x.getKey().isEmpty()) {
                        continue;
                    }
                    Object av = a.get(x.getKey());
                    if (!same(x.getKey(), x.getValue(), av, scale)) {
                        why = x.getKey() + " expected " + x.getValue() + " got " + av;
                        break;
                    }
                }
                if (why == null) {
                    for (String k : a.keySet()) {
                        if (Rollups.rawField(k).isPresent() && !e.containsKey(k)) {
                            why = "unexpected " + k + "=" + a.get(k);
                            break;
                        }
                    }
                }
            }
            if (why != null) {
                mismatches++;
                if (examples.size() < 5) {
                    examples.add(label + " @" + w + ": " + why);
                }
            }
        }
        return new Report(all.size(), mismatches, examples);
    }

    private static boolean same(String key, Object e, Object a, double scale) {
        if (e == null || a == null) {
            return e == a;
        }
        if (e instanceof Number en && a instanceof Number an) {
            if (key.endsWith("_mean")) {
                double x = en.doubleValue();
                double y = an.doubleValue();
                double s = Math.max(Math.max(Math.abs(x), Math.abs(y)), scale);
                return Math.abs(x - y) <= MEAN_TOLERANCE * s;
            }
            return en.doubleValue() == an.doubleValue();
        }
        return Objects.equals(e, a);
    }
}
