package io.tenantry.quota.rollup;

import io.tenantry.adapters.influx.InfluxQL;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.Point;
import io.tenantry.core.timeseries.Rollups;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.StoragePlacement;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.core.timeseries.TimeSeriesQuery;
import io.tenantry.core.timeseries.TimeSeriesWriteException;
import io.tenantry.core.timeseries.TimeSeriesWriter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Computes and writes the rollups of one tenant for one minute-aligned range of raw time (issue 11; contract:
 * {@link Rollups}). One InfluxQL statement on the tenant's raw bucket computes the 10-second windows
 * ({@code mean/min/max/last/count(*) … GROUP BY time(10s), * fill(none)} over the tenant's measurements
 * {@code /^<uuid>\./}, with {@code "locatario_id"::tag = '<uuid>'}); the 1-minute windows are derived from them in
 * Java (count and min/max summed/compared, last = last of the latest 10-second window, mean = Σ(mean·count)/Σcount),
 * so raw data is read once. Field types come from {@code SHOW FIELD KEYS}: min/max/last keep the raw type, mean is
 * float, count integer. Writes overwrite (same series and timestamp), so running a range again is harmless.
 */
public final class RollupEngine {
    private static final long TEN_S = 10_000_000_000L;
    private static final long ONE_M = 60_000_000_000L;
    private static final int WRITE_BATCH = 5000;

    /**
     * What one range produced.
     *
     * @param rawPoints      raw points covered (per window and series, the largest field count)
     * @param tenSecondPoints 10-second rollup points written
     * @param oneMinutePoints 1-minute rollup points written
     */
    public record Outcome(long rawPoints, long tenSecondPoints, long oneMinutePoints) {
        Outcome plus(Outcome o) {
            return new Outcome(rawPoints + o.rawPoints, tenSecondPoints + o.tenSecondPoints, oneMinutePoints + o.oneMinutePoints);
        }

        static final Outcome NONE = new Outcome(0, 0, 0);
    }

    private final TimeSeriesQuery query;
    private final TimeSeriesWriter writer;

    /**
     * @param query  read port as the jobs service user (READ on raw)
     * @param writer write port as the jobs service user (ALL on processo, processo_1m)
     */
    public RollupEngine(TimeSeriesQuery query, TimeSeriesWriter writer) {
        this.query = query;
        this.writer = writer;
    }

    /**
     * Rolls up {@code [from, to10)} into 10-second windows and {@code [from, to1m)} into 1-minute windows.
     *
     * @param from minute-aligned start
     * @param to10 end of 10-second windows, 10-second aligned, ≥ {@code to1m}
     * @param to1m end of 1-minute windows, minute-aligned
     * @throws io.tenantry.core.error.UnavailableException when InfluxDB cannot answer (nothing to undo: a rerun
     *                                                      overwrites what was written)
     * @throws TimeSeriesWriteException                     when writing fails or InfluxDB refuses a rollup point
     */
    public Outcome rollup(UUID tenant, StoragePlacement placement, Instant from, Instant to10, Instant to1m) {
        if (!from.isBefore(to10)) {
            return Outcome.NONE;
        }
        Bucket raw = placement.raw();
        String regex = "/^" + TenantMeasurements.prefix(tenant).replace(".", "\\.") + "/";
        Map<String, Map<String, String>> types = fieldTypes(raw, tenant, regex);
        if (types.isEmpty()) {
            return Outcome.NONE;
        }
        String q = "SELECT mean(*), min(*), max(*), last(*), count(*) FROM " + InfluxQL.ident(raw.database()) + "."
                + InfluxQL.ident(raw.retentionPolicy()) + "." + regex
                + " WHERE " + InfluxQL.tag(SharedBuckets.TENANT_TAG) + " = " + InfluxQL.string(tenant.toString())
                + " AND time >= " + nanos(from) + " AND time < " + nanos(to10)
                + " GROUP BY time(10s), * fill(none)";
        List<String> tenLines = new ArrayList<>();
        List<String> oneLines = new ArrayList<>();
        long rawPoints = 0;
        long to1mNs = nanos(to1m);
        for (TimeSeriesQuery.Series s : query.query(raw, q)) {
            if (!TenantMeasurements.tenantView(tenant, s.measurement()).isPresent()) {
                continue; // never another tenant's measurement (the regex already excludes it)
            }
            Map<String, String> ftypes = types.getOrDefault(s.measurement(), Map.of());
            Map<String, Integer> col = new HashMap<>();
            for (int i = 0; i < s.columns().size(); i++) {
                col.put(s.columns().get(i), i);
            }
            TreeMap<String, String> tags = new TreeMap<>(s.tags());
            // minute start -> field -> accumulator
            TreeMap<Long, Map<String, Acc>> minutes = new TreeMap<>();
            for (List<Object> row : s.rows()) {
                long t = ((Number) row.get(0)).longValue();
                Map<String, Object> fields = new LinkedHashMap<>();
                long rowPoints = 0;
                for (Map.Entry<String, String> ft : ftypes.entrySet()) {
                    String f = ft.getKey();
                    Object count = get(row, col, "count_" + f);
                    if (count == null || ((Number) count).longValue() == 0) {
                        continue;
                    }
                    long n = ((Number) count).longValue();
                    rowPoints = Math.max(rowPoints, n);
                    boolean numeric = isNumeric(ft.getValue());
                    Object last = typed(get(row, col, "last_" + f), ft.getValue());
                    Acc acc = t < to1mNs ? minutes.computeIfAbsent(Math.floorDiv(t, ONE_M) * ONE_M, k -> new LinkedHashMap<>())
                            .computeIfAbsent(f, k -> new Acc(numeric)) : null;
                    if (numeric && get(row, col, "mean_" + f) == null) {
                        continue; // a type conflict between shards: nothing sensible to roll up
                    }
                    if (numeric) {
                        double mean = ((Number) get(row, col, "mean_" + f)).doubleValue();
                        Object min = typed(get(row, col, "min_" + f), ft.getValue());
                        Object max = typed(get(row, col, "max_" + f), ft.getValue());
                        fields.put(Rollups.field(f, "mean"), mean);
                        fields.put(Rollups.field(f, "min"), min);
                        fields.put(Rollups.field(f, "max"), max);
                        fields.put(Rollups.field(f, "last"), last);
                        fields.put(Rollups.field(f, "count"), n);
                        if (acc != null) {
                            acc.add(mean, min, max, last, n);
                        }
                    } else {
                        fields.put(Rollups.field(f, "last"), last);
                        fields.put(Rollups.field(f, "count"), n);
                        if (acc != null) {
                            acc.add(0, null, null, last, n);
                        }
                    }
                }
                rawPoints += rowPoints;
                if (!fields.isEmpty()) {
                    tenLines.add(LineProtocol.toLine(new Point(s.measurement(), tags, fields, t)));
                }
            }
            for (Map.Entry<Long, Map<String, Acc>> m : minutes.entrySet()) {
                Map<String, Object> fields = new LinkedHashMap<>();
                m.getValue().forEach((f, acc) -> acc.emit(f, fields));
                if (!fields.isEmpty()) {
                    oneLines.add(LineProtocol.toLine(new Point(s.measurement(), tags, fields, m.getKey())));
                }
            }
        }
        write(placement.processed(), tenLines);
        write(placement.oneMinute(), oneLines);
        return new Outcome(rawPoints, tenLines.size(), oneLines.size());
    }

    /** measurement → field → InfluxDB type ({@code float}, {@code integer}, {@code string}, {@code boolean}). */
    private Map<String, Map<String, String>> fieldTypes(Bucket raw, UUID tenant, String regex) {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (TimeSeriesQuery.Series s : query.query(raw, "SHOW FIELD KEYS FROM " + InfluxQL.ident(raw.database()) + "."
                + InfluxQL.ident(raw.retentionPolicy()) + "." + regex)) {
            if (TenantMeasurements.tenantView(tenant, s.measurement()).isEmpty()) {
                continue;
            }
            Map<String, String> m = out.computeIfAbsent(s.measurement(), k -> new TreeMap<>());
            for (List<Object> row : s.rows()) {
                m.putIfAbsent((String) row.get(0), (String) row.get(1));
            }
        }
        return out;
    }

    private void write(Bucket bucket, List<String> lines) {
        for (int i = 0; i < lines.size(); i += WRITE_BATCH) {
            List<String> part = lines.subList(i, Math.min(lines.size(), i + WRITE_BATCH));
            TimeSeriesWriter.Result r = writer.write(bucket, part);
            if (!r.allAccepted()) {
                throw new TimeSeriesWriteException(r.rejected().size() + " rollup point(s) refused by " + bucket.name() + ": "
                        + r.rejected().get(0).error(), false, 400, null);
            }
        }
    }

    private static Object get(List<Object> row, Map<String, Integer> col, String name) {
        Integer i = col.get(name);
        return i == null ? null : row.get(i);
    }

    private static boolean isNumeric(String type) {
        return "float".equals(type) || "integer".equals(type);
    }

    /** A value in the raw field's type (JSON loses float vs integer: {@code 7} may be a float). */
    private static Object typed(Object v, String type) {
        if (v == null) {
            return null;
        }
        return switch (type) {
            case "float" -> ((Number) v).doubleValue();
            case "integer" -> ((Number) v).longValue();
            default -> v;
        };
    }

    /** 1-minute accumulation of a field's 10-second windows, in time order. */
    private static final class Acc {
        final boolean numeric;
        double weighted;
        long count;
        Object min;
        Object max;
        Object last;

        Acc(boolean numeric) {
            this.numeric = numeric;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        void add(double mean, Object mn, Object mx, Object lst, long n) {
            count += n;
            last = lst;
            if (numeric) {
                weighted += mean * n;
                if (min == null || ((Comparable) mn).compareTo(min) < 0) {
                    min = mn;
                }
                if (max == null || ((Comparable) mx).compareTo(max) > 0) {
                    max = mx;
                }
            }
        }

        void emit(String f, Map<String, Object> fields) {
            if (count == 0) {
                return;
            }
            if (numeric) {
                fields.put(Rollups.field(f, "mean"), weighted / count);
                fields.put(Rollups.field(f, "min"), min);
                fields.put(Rollups.field(f, "max"), max);
            }
            fields.put(Rollups.field(f, "last"), last);
            fields.put(Rollups.field(f, "count"), count);
        }
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
