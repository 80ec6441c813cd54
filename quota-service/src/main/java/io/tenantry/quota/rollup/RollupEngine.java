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
 * {@link Rollups}). One InfluxQL statement reads the range's raw points once
 * ({@code SELECT * … WHERE "locatario_id"::tag = '<uuid>' AND time … GROUP BY *} over the tenant's measurements
 * {@code /^<uuid>\./}, series in time order), and both tiers are aggregated here per series and window: count,
 * min, max, last and mean = sum / count in time order. (Letting InfluxDB compute {@code mean/min/max/last/count(*)
 * GROUP BY time(10s)} cost its CPU about six times a plain read: one iterator per call and field.) Field types come
 * from {@code SHOW FIELD KEYS}: min/max/last keep the raw type, mean is float, count integer. Writes overwrite (same
 * series and timestamp), so running a range again is harmless.
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
        // raw points once (each field's blocks decoded once; five aggregate calls per field cost InfluxDB 1.x
        // about six times the CPU, docs/benchmarks.md), aggregated here in time order
        String q = "SELECT * FROM " + InfluxQL.ident(raw.database()) + "." + InfluxQL.ident(raw.retentionPolicy()) + "." + regex
                + " WHERE " + InfluxQL.tag(SharedBuckets.TENANT_TAG) + " = " + InfluxQL.string(tenant.toString())
                + " AND time >= " + nanos(from) + " AND time < " + nanos(to10) + " GROUP BY *";
        List<String> tenLines = new ArrayList<>();
        List<String> oneLines = new ArrayList<>();
        long rawPoints = 0;
        long to1mNs = nanos(to1m);
        for (TimeSeriesQuery.Series s : query.query(raw, q)) {
            if (TenantMeasurements.tenantView(tenant, s.measurement()).isEmpty()) {
                continue; // never another tenant's measurement (the regex already excludes it)
            }
            Map<String, String> ftypes = types.getOrDefault(s.measurement(), Map.of());
            List<String> cols = s.columns();
            String[] colType = new String[cols.size()];
            for (int i = 1; i < cols.size(); i++) {
                colType[i] = s.tags().containsKey(cols.get(i)) ? null : ftypes.get(cols.get(i));
            }
            TreeMap<String, String> tags = new TreeMap<>(s.tags());
            Windows ten = new Windows(TEN_S);
            Windows one = new Windows(ONE_M);
            for (List<Object> row : s.rows()) {
                long t = ((Number) row.get(0)).longValue();
                boolean any = false;
                for (int i = 1; i < row.size(); i++) {
                    Object v = row.get(i);
                    if (v == null || colType[i] == null) {
                        continue;
                    }
                    Object typed = typed(v, colType[i]);
                    if (typed == null) {
                        continue;
                    }
                    ten.add(t, cols.get(i), typed, colType[i]);
                    if (t < to1mNs) {
                        one.add(t, cols.get(i), typed, colType[i]);
                    }
                    any = true;
                }
                if (any) {
                    rawPoints++;
                }
            }
            ten.emit(s.measurement(), tags, tenLines);
            one.emit(s.measurement(), tags, oneLines);
        }
        write(placement.processed(), tenLines);
        write(placement.oneMinute(), oneLines);
        return new Outcome(rawPoints, tenLines.size(), oneLines.size());
    }

    /** The windows of one series: window start → field → accumulator, in time order. */
    private static final class Windows {
        final long size;
        final TreeMap<Long, Map<String, Acc>> byStart = new TreeMap<>();

        Windows(long size) {
            this.size = size;
        }

        void add(long t, String field, Object v, String type) {
            byStart.computeIfAbsent(Math.floorDiv(t, size) * size, k -> new LinkedHashMap<>())
                    .computeIfAbsent(field, k -> new Acc(isNumeric(type))).add(v);
        }

        void emit(String measurement, TreeMap<String, String> tags, List<String> out) {
            for (Map.Entry<Long, Map<String, Acc>> w : byStart.entrySet()) {
                Map<String, Object> fields = new LinkedHashMap<>();
                w.getValue().forEach((f, acc) -> acc.emit(f, fields));
                if (!fields.isEmpty()) {
                    out.add(LineProtocol.toLine(new Point(measurement, tags, fields, w.getKey())));
                }
            }
        }
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

    private static boolean isNumeric(String type) {
        return "float".equals(type) || "integer".equals(type);
    }

    /** A value in the raw field's type (JSON loses float vs integer: {@code 7} may be a float). */
    private static Object typed(Object v, String type) {
        if (v == null) {
            return null;
        }
        return switch (type) {
            case "float" -> v instanceof Number n ? (Object) n.doubleValue() : null; // null: a type conflict between shards
            case "integer" -> v instanceof Number n ? (Object) n.longValue() : null;
            default -> v;
        };
    }

    /**
     * One field in one window, points added in time order (InfluxDB answers in time order): count, sum (mean =
     * sum / count, the same arithmetic in the same order as a reader recomputing it), min, max in the raw type,
     * last = the latest point's value.
     */
    private static final class Acc {
        final boolean numeric;
        double sum;
        long count;
        Object min;
        Object max;
        Object last;

        Acc(boolean numeric) {
            this.numeric = numeric;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        void add(Object v) {
            count++;
            last = v;
            if (numeric) {
                sum += ((Number) v).doubleValue();
                if (min == null || ((Comparable) v).compareTo(min) < 0) {
                    min = v;
                }
                if (max == null || ((Comparable) v).compareTo(max) > 0) {
                    max = v;
                }
            }
        }

        void emit(String f, Map<String, Object> fields) {
            if (count == 0) {
                return;
            }
            if (numeric) {
                fields.put(Rollups.field(f, "mean"), sum / count);
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
