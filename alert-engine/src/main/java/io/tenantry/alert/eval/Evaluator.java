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
    /** Rows per chunk of InfluxDB's answer for the rules that read raw points (rate of change, anomaly). */
    static final int CHUNK_ROWS = 10_000;
    private final TimeSeriesQuery query;
    private final StoragePlacements placements;
    private final int chunkRows;

    @org.springframework.beans.factory.annotation.Autowired
    public Evaluator(TimeSeriesQuery query, StoragePlacements placements) {
        this(query, placements, CHUNK_ROWS);
    }

    /**
     * @param chunkRows rows per chunk of InfluxDB's answer for the rules that read raw points (tests use a few, so
     *                  every device's rows arrive split over many chunks)
     */
    public Evaluator(TimeSeriesQuery query, StoragePlacements placements, int chunkRows) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be >= 1: " + chunkRows);
        }
        this.query = query;
        this.placements = placements;
        this.chunkRows = chunkRows;
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
                // first and last value per device, streamed: constant memory whatever the window holds
                Map<String, long[]> times = new HashMap<>(); // plc → {first ns, last ns, values}
                Map<String, double[]> vals = new HashMap<>(); // plc → {first, last}
                stream(raw, q, (plc, row) -> {
                    double v = number(row, 1);
                    if (Double.isNaN(v)) {
                        return;
                    }
                    long t = row.timeNanos();
                    long[] ts = times.get(plc);
                    if (ts == null) {
                        times.put(plc, new long[]{t, t, 1});
                        vals.put(plc, new double[]{v, v});
                    } else {
                        ts[1] = t;
                        ts[2]++;
                        vals.get(plc)[1] = v;
                    }
                });
                for (String p : plcIds) {
                    long[] ts = times.get(p);
                    Map<String, Object> values = new LinkedHashMap<>();
                    values.put("field", r.field());
                    values.put("threshold", r.limit());
                    if (ts == null || ts[2] < 2) {
                        values.put("value", null);
                        out.put(p, new Observation(null, null, null, values));
                        continue;
                    }
                    double[] v = vals.get(p);
                    double dt = (ts[1] - ts[0]) / 1e9;
                    double rate = dt <= 0 ? 0 : Math.abs(v[1] - v[0]) / dt;
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
                long split = TenantInfluxQL.nanos(at.minus(a.window()));
                // one EWMA chart per device and field, fed as the answer streams in (time order per device):
                // constant memory whatever the baseline holds
                Map<String, Ewma.Chart[]> charts = new HashMap<>();
                int nf = a.fields().size();
                stream(raw, q, (plc, row) -> {
                    Ewma.Chart[] cs = charts.computeIfAbsent(plc, k -> {
                        Ewma.Chart[] c = new Ewma.Chart[nf];
                        for (int f = 0; f < nf; f++) {
                            c[f] = new Ewma.Chart(a.lambda());
                        }
                        return c;
                    });
                    boolean baseline = row.timeNanos() <= split;
                    for (int f = 0; f < nf; f++) {
                        double v = number(row, f + 1);
                        if (!Double.isNaN(v)) {
                            if (baseline) {
                                cs[f].baseline(v);
                            } else {
                                cs[f].window(v);
                            }
                        }
                    }
                });
                for (String p : plcIds) {
                    Ewma.Chart[] cs = charts.get(p);
                    Map<String, Object> values = new LinkedHashMap<>();
                    Map<String, Object> scores = new LinkedHashMap<>();
                    double max = Double.NaN;
                    String worst = null;
                    for (int f = 0; cs != null && f < nf; f++) {
                        if (cs[f].baselineCount() < a.minBaseline()) {
                            continue;
                        }
                        double s = cs[f].score();
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

    /** One streamed row of a device ({@code GROUP BY "plc_id"}). */
    private interface DeviceRow {
        void row(String plc, TimeSeriesQuery.Row row);
    }

    /**
     * Streams a {@code GROUP BY "plc_id"} answer row by row, in chunks ({@link TimeSeriesQuery#streamChunked}):
     * neither InfluxDB nor this service holds a rule's raw points (issue 15: one rule with a long baseline over a
     * busy device must not exhaust the shared alert-engine's heap). A device's rows arrive in time order.
     */
    private void stream(Bucket raw, String q, DeviceRow sink) {
        query.streamChunked(raw, q, chunkRows, new TimeSeriesQuery.RowSink() {
            private String plc;

            @Override
            public void series(String measurement, List<String> columns) {
                plc = null;
            }

            @Override
            public void series(String measurement, Map<String, String> tags, List<String> columns) {
                plc = tags.get(PlatformTags.DEVICE);
            }

            @Override
            public void row(TimeSeriesQuery.Row row) {
                if (plc != null) {
                    sink.row(plc, row);
                }
            }
        });
    }

    /** Cell {@code i} as a number; NaN when missing or not numeric. */
    private static double number(TimeSeriesQuery.Row row, int i) {
        return i < row.size() && row.kind(i) == TimeSeriesQuery.CellKind.NUMBER ? Double.parseDouble(row.text(i)) : Double.NaN;
    }
}
