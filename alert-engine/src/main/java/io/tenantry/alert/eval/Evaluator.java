package io.tenantry.alert.eval;

import io.tenantry.adapters.influx.InfluxQL;
import io.tenantry.adapters.influx.TenantInfluxQL;
import io.tenantry.alert.rule.AlertRule;
import io.tenantry.alert.rule.RuleSpec;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.PlatformTags;
import io.tenantry.core.timeseries.StoragePlacements;
import io.tenantry.core.timeseries.TimeSeriesQuery;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Observes a rule's condition for a set of devices at one instant, reading through the {@link TimeSeriesQuery} port:
 * one InfluxQL statement per rule and tick for all its devices ({@code GROUP BY "plc_id"}), always tenant-scoped
 * ({@link TenantInfluxQL}: the tenant's own measurement in the bucket of its {@link StoragePlacements placement},
 * {@code "locatario_id"::tag = '<tenant>'}, the devices' {@code "plc_id"::tag}). Names reach the text quoted only.
 * Reads the raw bucket (rollup tiers are left to the downsampling issue).
 */
@Component
public class Evaluator {
    private final TimeSeriesQuery query;
    private final StoragePlacements placements;

    public Evaluator(TimeSeriesQuery query, StoragePlacements placements) {
        this.query = query;
        this.placements = placements;
    }

    /**
     * One device's observation.
     *
     * @param breach  the condition holds; null when unknown (no data to judge)
     * @param cleared a firing alert may resolve (hysteresis); null when unknown
     * @param value   the observed value (aggregate, rate per second, EWMA score in σ, or stored point count)
     * @param values  what goes into the event: {@code value}, {@code threshold}, per-field details
     */
    public record Observation(Boolean breach, Boolean cleared, Double value, Map<String, Object> values) {
    }

    /** The observations by plc id (every requested device has one) and the number of statements run. */
    public record Result(Map<String, Observation> byPlc, int queries) {
    }

    /**
     * @param plcIds the devices (at least one)
     * @param at     evaluation time; windows are {@code (at - window, at]}
     * @throws io.tenantry.core.error.UnavailableException when InfluxDB cannot answer
     * @throws io.tenantry.core.timeseries.QueryRejectedException when InfluxDB refuses the statement
     */
    public Result observe(AlertRule rule, Collection<String> plcIds, Instant at) {
        Bucket raw = placements.placementOf(rule.tenantId()).raw();
        String src = TenantInfluxQL.from(raw, rule.tenantId(), rule.measurement());
        String devices = TenantInfluxQL.tenantIs(rule.tenantId()) + " AND " + TenantInfluxQL.deviceIn(plcIds);
        String group = " GROUP BY " + InfluxQL.ident(PlatformTags.DEVICE);
        Map<String, Observation> out = new LinkedHashMap<>();
        switch (rule.spec()) {
            case RuleSpec.Threshold t -> {
                String q = "SELECT " + t.aggregate() + "(" + InfluxQL.ident(t.field()) + ") FROM " + src + " WHERE " + devices
                        + " AND " + window(at, t.window()) + group;
                Map<String, Double> v = new HashMap<>();
                for (TimeSeriesQuery.Series s : query.query(raw, q)) {
                    if (!s.rows().isEmpty() && s.rows().get(0).size() > 1 && s.rows().get(0).get(1) instanceof Number n) {
                        v.put(s.tags().get(PlatformTags.DEVICE), n.doubleValue());
                    }
                }
                for (String p : plcIds) {
                    Double x = v.get(p);
                    Map<String, Object> values = new LinkedHashMap<>();
                    values.put("field", t.field());
                    values.put("aggregate", t.aggregate());
                    values.put("value", x);
                    values.put("threshold", t.op().equals("outside") ? List.of(t.low(), t.high()) : t.value());
                    if (x == null) {
                        out.put(p, new Observation(null, null, null, values));
                        continue;
                    }
                    boolean breach;
                    boolean cleared;
                    switch (t.op()) {
                        case "above" -> {
                            breach = x > t.value();
                            cleared = x <= (t.clear() == null ? t.value() : t.clear());
                        }
                        case "below" -> {
                            breach = x < t.value();
                            cleared = x >= (t.clear() == null ? t.value() : t.clear());
                        }
                        default -> {
                            breach = x < t.low() || x > t.high();
                            cleared = !breach;
                        }
                    }
                    out.put(p, new Observation(breach, cleared, x, values));
                }
                return new Result(out, 1);
            }
            case RuleSpec.RateOfChange r -> {
                String q = "SELECT " + InfluxQL.ident(r.field()) + " FROM " + src + " WHERE " + devices + " AND "
                        + window(at, r.window()) + group;
                Map<String, List<double[]>> pts = points(query.query(raw, q), 1);
                for (String p : plcIds) {
                    List<double[]> xs = pts.getOrDefault(p, List.of());
                    Map<String, Object> values = new LinkedHashMap<>();
                    values.put("field", r.field());
                    values.put("threshold", r.limit());
                    if (xs.size() < 2) {
                        values.put("value", null);
                        out.put(p, new Observation(null, null, null, values));
                        continue;
                    }
                    double[] first = xs.get(0);
                    double[] last = xs.get(xs.size() - 1);
                    double dt = (last[0] - first[0]) / 1e9;
                    double rate = dt <= 0 ? 0 : Math.abs(last[1] - first[1]) / dt;
                    values.put("value", rate);
                    out.put(p, new Observation(rate > r.limit(), rate <= r.limit(), rate, values));
                }
                return new Result(out, 1);
            }
            case RuleSpec.NoData n -> {
                // last(*) per device: any field of any type counts as "sent something"
                String q = "SELECT count(*) FROM " + src + " WHERE " + devices + " AND " + window(at, n.after()) + group;
                Map<String, Long> counts = new HashMap<>();
                for (TimeSeriesQuery.Series s : query.query(raw, q)) {
                    long c = 0;
                    for (List<Object> row : s.rows()) {
                        for (int i = 1; i < row.size(); i++) {
                            if (row.get(i) instanceof Number num) {
                                c = Math.max(c, num.longValue());
                            }
                        }
                    }
                    counts.merge(s.tags().get(PlatformTags.DEVICE), c, Math::max);
                }
                for (String p : plcIds) {
                    long c = counts.getOrDefault(p, 0L);
                    Map<String, Object> values = new LinkedHashMap<>();
                    values.put("value", c);
                    values.put("after", n.after().toSeconds());
                    values.put("threshold", 0);
                    out.put(p, new Observation(c == 0, c > 0, (double) c, values));
                }
                return new Result(out, 1);
            }
            case RuleSpec.Anomaly a -> {
                List<String> sel = new ArrayList<>();
                a.fields().forEach(f -> sel.add(InfluxQL.ident(f)));
                String q = "SELECT " + String.join(", ", sel) + " FROM " + src + " WHERE " + devices + " AND "
                        + window(at, a.window().plus(a.baseline())) + group;
                Map<String, List<double[]>> pts = points(query.query(raw, q), a.fields().size());
                long split = TenantInfluxQL.nanos(at.minus(a.window()));
                for (String p : plcIds) {
                    List<double[]> xs = pts.getOrDefault(p, List.of());
                    Map<String, Object> values = new LinkedHashMap<>();
                    Map<String, Object> scores = new LinkedHashMap<>();
                    double max = Double.NaN;
                    String worst = null;
                    for (int f = 0; f < a.fields().size(); f++) {
                        List<Double> base = new ArrayList<>();
                        List<Double> win = new ArrayList<>();
                        for (double[] x : xs) {
                            if (!Double.isNaN(x[f + 1])) {
                                (x[0] <= split ? base : win).add(x[f + 1]);
                            }
                        }
                        if (base.size() < a.minBaseline()) {
                            continue;
                        }
                        double s = Ewma.score(base, win, a.lambda());
                        if (!Double.isNaN(s)) {
                            scores.put(a.fields().get(f), s);
                            if (Double.isNaN(max) || s > max) {
                                max = s;
                                worst = a.fields().get(f);
                            }
                        }
                    }
                    values.put("value", Double.isNaN(max) ? null : max);
                    values.put("field", worst);
                    values.put("threshold", a.limitSigmas());
                    values.put("scores", scores);
                    if (Double.isNaN(max)) {
                        out.put(p, new Observation(null, null, null, values));
                    } else {
                        out.put(p, new Observation(max > a.limitSigmas(), max <= a.limitSigmas(), max, values));
                    }
                }
                return new Result(out, 1);
            }
        }
    }

    /** {@code time > at - d AND time <= at}. */
    private static String window(Instant at, Duration d) {
        return TenantInfluxQL.timeBetween(at.minus(d).plusNanos(1), at);
    }

    /** Raw rows per device: {@code [time ns, v1..vn]}, NaN for missing or non-numeric values. */
    private static Map<String, List<double[]>> points(List<TimeSeriesQuery.Series> series, int fields) {
        Map<String, List<double[]>> out = new HashMap<>();
        for (TimeSeriesQuery.Series s : series) {
            List<double[]> rows = out.computeIfAbsent(s.tags().get(PlatformTags.DEVICE), k -> new ArrayList<>());
            for (List<Object> row : s.rows()) {
                double[] r = new double[fields + 1];
                r[0] = ((Number) row.get(0)).doubleValue();
                boolean any = false;
                for (int i = 1; i <= fields; i++) {
                    Object v = i < row.size() ? row.get(i) : null;
                    r[i] = v instanceof Number n ? n.doubleValue() : Double.NaN;
                    any |= !Double.isNaN(r[i]);
                }
                if (any) {
                    rows.add(r);
                }
            }
        }
        return out;
    }
}
