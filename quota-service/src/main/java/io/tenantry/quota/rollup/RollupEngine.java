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
 * {@code /^<uuid>\./}, series in time order, streamed in chunks of {@value #CHUNK_ROWS} rows so that memory holds
 * one series' windows, never the range's points), and both tiers are aggregated here per series and window: count,
 * min, max, last and mean = sum / count in time order. (Letting InfluxDB compute {@code mean/min/max/last/count(*)
 * GROUP BY time(10s)} cost its CPU about six times a plain read: one iterator per call and field.) Field types come
 * from {@code SHOW FIELD KEYS}: min/max/last keep the raw type, mean is float, count integer. Writes overwrite (same
 * series and timestamp), so running a range again is harmless.
 */
public final class RollupEngine {
    private static final long TEN_S = 10_000_000_000L;
    private static final long ONE_M = 60_000_000_000L;
    private static final int WRITE_BATCH = 5000;
    /** Rows per chunk of InfluxDB's answer (memory on both sides is bounded by a chunk, not by the range). */
    private static final int CHUNK_ROWS = 10_000;

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
    private final int chunkRows;
    /**
     * Field types per tenant and raw bucket, remembered between passes (issue 15, idle cost: an idle pass asked
     * InfluxDB twice per tenant every 30 s, {@code SHOW FIELD KEYS} and the range; now once); asked again when a
     * range has a field they lack.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Map<String, Map<String, String>>> knownTypes =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param query  read port as the jobs service user (READ on raw)
     * @param writer write port as the jobs service user (ALL on processo, processo_1m)
     */
    public RollupEngine(TimeSeriesQuery query, TimeSeriesWriter writer) {
        this(query, writer, CHUNK_ROWS);
    }

    /** As above, with {@code chunkRows} rows per chunk of InfluxDB's answer (tests split series with a few). */
    RollupEngine(TimeSeriesQuery query, TimeSeriesWriter writer, int chunkRows) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be >= 1: " + chunkRows);
        }
        this.query = query;
        this.writer = writer;
        this.chunkRows = chunkRows;
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
        String typesKey = tenant + "@" + raw.database() + "." + raw.retentionPolicy();
        Map<String, Map<String, String>> types = knownTypes.get(typesKey);
        boolean fresh = types == null;
        if (fresh) {
            types = fieldTypes(raw, tenant, regex);
            if (types.isEmpty()) {
                return Outcome.NONE;
            }
            knownTypes.put(typesKey, types);
        }
        Outcome out = aggregate(tenant, placement, regex, types, fresh, from, to10, to1m);
        if (out == null) {
            // a field (or measurement) the remembered types lack: ask InfluxDB again and run the range once more
            types = fieldTypes(raw, tenant, regex);
            knownTypes.put(typesKey, types);
            out = aggregate(tenant, placement, regex, types, true, from, to10, to1m);
        }
        return out;
    }

    /**
     * Reads the range once and writes both tiers. With remembered (not {@code fresh}) types, returns null having
     * written nothing when the answer has a field they lack; with fresh ones, such a column is skipped as before.
     */
    private Outcome aggregate(UUID tenant, StoragePlacement placement, String regex, Map<String, Map<String, String>> types,
                              boolean fresh, Instant from, Instant to10, Instant to1m) {
        Bucket raw = placement.raw();
        // raw points once (each field's blocks decoded once; five aggregate calls per field cost InfluxDB 1.x
        // about six times the CPU, docs/benchmarks.md), aggregated here in time order
        String q = "SELECT * FROM " + InfluxQL.ident(raw.database()) + "." + InfluxQL.ident(raw.retentionPolicy()) + "." + regex
                + " WHERE " + InfluxQL.tag(SharedBuckets.TENANT_TAG) + " = " + InfluxQL.string(tenant.toString())
                + " AND time >= " + nanos(from) + " AND time < " + nanos(to10) + " GROUP BY *";
        List<String> tenLines = new ArrayList<>();
        List<String> oneLines = new ArrayList<>();
        SeriesAggregator agg = new SeriesAggregator(tenant, types, nanos(to1m), tenLines, oneLines);
        // streamed in chunks: memory holds one series' windows, never the range's points (an hour of a busy
        // tenant's points read as one answer ran the quota-service out of heap, issue 15)
        query.streamChunked(raw, q, chunkRows, agg);
        agg.finish();
        if (agg.unknownField && !fresh) {
            return null;
        }
        long rawPoints = agg.rawPoints;
        write(placement.processed(), tenLines);
        write(placement.oneMinute(), oneLines);
        return new Outcome(rawPoints, tenLines.size(), oneLines.size());
    }

    /**
     * Aggregates a streamed answer series by series. A series longer than a chunk arrives as consecutive
     * {@code series} calls with the same measurement and tags: they continue it; another series emits the
     * finished one's windows.
     */
    private static final class SeriesAggregator implements TimeSeriesQuery.RowSink {
        private final UUID tenant;
        private final Map<String, Map<String, String>> types;
        private final long to1mNs;
        private final List<String> tenLines;
        private final List<String> oneLines;
        long rawPoints;
        /** A column that is neither a GROUP BY tag nor a field of the known types (the types are stale). */
        boolean unknownField;
        private String measurement;
        private TreeMap<String, String> tags;
        private boolean skip;
        private List<String> cols;
        private String[] colType;
        private Windows ten;
        private Windows one;

        SeriesAggregator(UUID tenant, Map<String, Map<String, String>> types, long to1mNs, List<String> tenLines,
                         List<String> oneLines) {
            this.tenant = tenant;
            this.types = types;
            this.to1mNs = to1mNs;
            this.tenLines = tenLines;
            this.oneLines = oneLines;
        }

        @Override
        public void series(String measurement, List<String> columns) {
            series(measurement, Map.of(), columns);
        }

        @Override
        public void series(String m, Map<String, String> seriesTags, List<String> columns) {
            TreeMap<String, String> t = new TreeMap<>(seriesTags);
            if (!(m.equals(measurement) && t.equals(tags))) {
                finish();
                measurement = m;
                tags = t;
                // never another tenant's measurement (the regex already excludes it)
                skip = TenantMeasurements.tenantView(tenant, m).isEmpty();
                ten = new Windows(TEN_S);
                one = new Windows(ONE_M);
            }
            cols = columns;
            Map<String, String> ftypes = types.getOrDefault(m, Map.of());
            colType = new String[columns.size()];
            for (int i = 1; i < columns.size(); i++) {
                colType[i] = t.containsKey(columns.get(i)) ? null : ftypes.get(columns.get(i));
                unknownField |= !skip && colType[i] == null && !t.containsKey(columns.get(i));
            }
        }

        @Override
        public void row(TimeSeriesQuery.Row row) {
            if (skip) {
                return;
            }
            long t = row.timeNanos();
            boolean any = false;
            for (int i = 1; i < row.size() && i < colType.length; i++) {
                if (colType[i] == null) {
                    continue;
                }
                Object typed = typed(row, i, colType[i]);
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

        /** Emits the current series' windows. */
        void finish() {
            if (measurement != null && !skip) {
                ten.emit(measurement, tags, tenLines);
                one.emit(measurement, tags, oneLines);
            }
            measurement = null;
        }
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

    /**
     * Cell {@code i} in the raw field's type, or null (no value, or a type conflict between shards). JSON loses
     * float vs integer ({@code 7} may be a float): numbers are read by the field's type; booleans and strings as
     * they are.
     */
    private static Object typed(TimeSeriesQuery.Row row, int i, String type) {
        TimeSeriesQuery.CellKind kind = row.kind(i);
        String text = row.text(i);
        return switch (kind) {
            case NULL -> null;
            case NUMBER -> switch (type) {
                case "float" -> Double.parseDouble(text);
                case "integer" -> integral(text) ? Long.parseLong(text) : (long) Double.parseDouble(text);
                default -> integral(text) ? (Object) Long.parseLong(text) : (Object) Double.parseDouble(text);
            };
            case BOOLEAN -> "float".equals(type) || "integer".equals(type) ? null : (Object) Boolean.parseBoolean(text);
            case STRING -> "float".equals(type) || "integer".equals(type) ? null : text;
        };
    }

    private static boolean integral(String number) {
        for (int i = 0; i < number.length(); i++) {
            char c = number.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                return false;
            }
        }
        return true;
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
