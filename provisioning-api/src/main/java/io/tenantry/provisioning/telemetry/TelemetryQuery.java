package io.tenantry.provisioning.telemetry;

import io.tenantry.adapters.influx.InfluxQL;
import io.tenantry.adapters.influx.TenantInfluxQL;
import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.core.error.UnavailableException;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.PlatformTags;
import io.tenantry.core.timeseries.QueryRejectedException;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.StoragePlacements;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.core.timeseries.Rollups;
import io.tenantry.directory.DeviceReadScopes;
import io.tenantry.core.timeseries.TimeSeriesQuery;
import io.tenantry.web.auth.Actor;
import io.tenantry.provisioning.device.Device;
import io.tenantry.web.TextRules;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads a device's points back from the tenant's raw bucket ({@link StoragePlacements}: the shared
 * {@code processo_raw} by default) through the {@link TimeSeriesQuery} port, tenant-scoped twice over: the measurement is the
 * caller's own namespace ({@code measurement=telemetry} reads {@code "<caller's tenant uuid>.telemetry"},
 * {@link TenantMeasurements}; no other tenant's field names or types live there), and the InfluxQL this builds
 * always carries {@code "locatario_id"::tag = '<caller's tenant>'} and {@code "plc_id"::tag = '<device>'} — with
 * {@code ::tag}, so a field of the same name could never stand in for the tag (issue 7). User input reaches the
 * query only as quoted identifiers ({@link InfluxQL#ident}) or validated numbers and durations; the answer names
 * the measurement as the tenant knows it. The InfluxDB credential used
 * is the API's read-only service user, never handed to tenants.
 */
@Service
public class TelemetryQuery implements io.tenantry.provisioning.device.DeviceActivity {
    /** Aggregates InfluxQL offers that make sense per field over a time bucket. */
    public static final Set<String> AGGREGATES = Set.of("mean", "min", "max", "sum", "count", "first", "last", "median", "stddev", "spread");
    private static final Pattern INTERVAL = Pattern.compile("[1-9][0-9]{0,5}(ms|s|m|h|d|w)");
    private static final Pattern EPOCH_MS = Pattern.compile("-?[0-9]{1,16}");
    public static final int MAX_LIMIT = 100_000;
    /** The measurement a tenant reads when it names none (ingest's default). */
    public static final String DEFAULT_MEASUREMENT = "telemetry";
    /** Earliest time InfluxDB 1.x stores (models.MinNanoTime = −2^63 + 2 ns). */
    public static final Instant MIN_TIME = Instant.ofEpochSecond(0, Long.MIN_VALUE + 2);
    /** Latest time InfluxDB 1.x stores (models.MaxNanoTime = 2^63 − 2 ns). */
    public static final Instant MAX_TIME = Instant.ofEpochSecond(0, Long.MAX_VALUE - 1);
    /** Longest {@code interval}: ten years, far below the int64 nanoseconds InfluxDB computes buckets in. */
    public static final Duration MAX_INTERVAL = Duration.ofDays(3650);
    /** Field names the telemetry API never selects: the time column and the platform's tags. */
    public static final Set<String> RESERVED_NAMES = PlatformTags.RESERVED_NAMES;
    /** At most this many names in {@code fields}, each at most {@link #MAX_NAME} characters (also for measurement). */
    public static final int MAX_FIELDS = 100;
    public static final int MAX_NAME = 256;

    private final TimeSeriesQuery timeSeries;
    private final StoragePlacements placements;
    private final Clock clock;
    private final DeviceReadScopes scopes;

    /**
     * @param timeSeries the query port, authenticated as the API's read-only service user
     * @param placements where each tenant's points live (the bucket a query reads)
     * @param scopes     a device's PLC id, its tenant's placement and retention per tier (issue 11: nothing older is
     *                   ever answered), in one query per read (issue 15)
     */
    public TelemetryQuery(TimeSeriesQuery timeSeries, StoragePlacements placements, Clock clock, DeviceReadScopes scopes) {
        this.timeSeries = timeSeries;
        this.placements = placements;
        this.clock = clock;
        this.scopes = scopes;
    }

    /**
     * One stored point as returned.
     *
     * @param time   timestamp, nanoseconds precision
     * @param fields field name → value (Double, Long, Boolean or String); aggregated queries give one value per field
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "TelemetryPoint", description = "One stored point")
    public record TelemetryPoint(Instant time, Map<String, Object> fields) {
    }

    /**
     * The answer.
     *
     * @param tenantId the tenant's id (a plain UUID string in JSON, like every other endpoint)
     * @param deviceId the device's id (plain UUID string)
     * @param columns  field names in column order
     * @param tier     the tier read: {@code raw}, {@code 10s} or {@code 1m} (issue 11; {@code auto} resolved)
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "TelemetryResult", description = "A device's points in a time window")
    public record Result(UUID tenantId, UUID deviceId, String plcId, String measurement, Instant from, Instant to,
                         String aggregate, String interval, List<String> columns, List<TelemetryPoint> points, String tier) {
    }

    /** Aggregates {@code tier=auto} can answer exactly from rollups (issue 11; docs/rollups.md). */
    public static final Set<String> ROLLUP_AGGREGATES = Set.of("mean", "min", "max", "count", "last", "sum");

    /** {@link #query(Actor, TenantId, DeviceId, String, String, String, String, String, String, Integer, String)} on the raw tier. */
    public Result query(Actor actor, TenantId tenant, DeviceId device, String from, String to, String fields, String aggregate,
                        String interval, String measurement, Integer limit) {
        return query(actor, tenant, device, from, to, fields, aggregate, interval, measurement, limit, null);
    }

    /**
     * Runs the query.
     *
     * @param from        RFC 3339 or epoch ms; default {@code to} − 1 h
     * @param to          RFC 3339 or epoch ms; default now
     * @param fields      comma-separated field names, or null for all
     * @param aggregate   one of {@link #AGGREGATES}, or null for raw points; needs {@code interval}
     * @param interval    InfluxQL duration, e.g. {@code 1m}
     * @param measurement default {@code telemetry}
     * @param limit       at most {@link #MAX_LIMIT} points (default 10,000)
     * @param tier        {@code raw} (default), {@code 10s}, {@code 1m} (read that rollup tier; field names are the
     *                    rollup names such as {@code temp_mean}, {@link Rollups}) or {@code auto}: with
     *                    {@code aggregate} in {@link #ROLLUP_AGGREGATES}, named {@code fields} and an interval that
     *                    is a multiple of a tier's resolution, the coarsest such tier whose retention covers
     *                    {@code from}, answered exactly from its rollups (raw field names in and out); else raw.
     *                    Every tier answers nothing older than the tenant's plan retention for it.
     * @throws InvalidInputException field by field ({@code telemetry:query.invalid}): times that are not RFC 3339 or
     *                               epoch ms or fall outside InfluxDB's range {@link #MIN_TIME}..{@link #MAX_TIME},
     *                               {@code from} after {@code to}, unknown aggregate, interval missing, malformed or
     *                               longer than {@link #MAX_INTERVAL}, limit out of range, field or measurement
     *                               names that are empty, too long, reserved ({@link #RESERVED_NAMES}) or hold
     *                               control characters; and {@code telemetry:query.rejected} when InfluxDB still
     *                               refuses the query (400-type error), naming the parameters that shaped it
     * @throws io.tenantry.core.error.UnavailableException {@code telemetry:influx.unavailable} (503) when InfluxDB
     *                               cannot be reached or fails
     * @throws io.tenantry.core.error.NotFoundException for another tenant's tenant or device
     */
    public Result query(Actor actor, TenantId tenant, DeviceId device, String from, String to, String fields, String aggregate,
                        String interval, String measurement, Integer limit, String tier) {
        Prepared pr = prepare(actor, tenant, device, from, to, fields, aggregate, interval, measurement, limit, tier);
        if (pr.statement() == null) {
            return new Result(tenant.value(), device.value(), pr.plcId(), pr.measurement(), pr.from(), pr.to(), pr.agg(),
                    interval, List.of(), List.of(), pr.tier().code());
        }
        String agg = pr.agg();
        List<String> wanted = pr.wanted();
        List<TimeSeriesQuery.Series> results = run(pr.bucket(), pr.statement(), fields, measurement, aggregate, interval);
        List<String> columns = new ArrayList<>();
        List<TelemetryPoint> points = new ArrayList<>();
        Set<String> hidden = PlatformTags.ALL;
        for (TimeSeriesQuery.Series s : results) {
            List<String> cols = s.columns();
            for (int i = 1; i < cols.size(); i++) {
                String name = agg != null && wanted.isEmpty() && cols.get(i).startsWith(agg + "_")
                        ? cols.get(i).substring(agg.length() + 1) : cols.get(i);
                columns.add(name);
            }
            for (List<Object> row : s.rows()) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (int i = 1; i < row.size(); i++) {
                    if (row.get(i) != null && !hidden.contains(columns.get(i - 1))) {
                        values.put(columns.get(i - 1), row.get(i));
                    }
                }
                if (!values.isEmpty()) {
                    long ns = ((Number) row.get(0)).longValue();
                    points.add(new TelemetryPoint(Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L)), values));
                }
            }
        }
        columns.removeAll(hidden);
        return new Result(tenant.value(), device.value(), pr.plcId(), pr.measurement(), pr.from(), pr.to(), agg, interval,
                columns, points, pr.tier().code());
    }

    /**
     * A validated query: the statement to run ({@code null} when the retention leaves nothing to read) and what
     * the answer reports.
     */
    private record Prepared(String plcId, String measurement, Instant from, Instant to, String agg, List<String> wanted,
                            Rollups.Tier tier, Bucket bucket, String statement) {
    }

    private static final tools.jackson.databind.ObjectMapper STREAM_JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    /**
     * {@link #query(Actor, TenantId, DeviceId, String, String, String, String, String, String, Integer, String)} as
     * the JSON body of {@link Result} (the same keys, order and values), written while InfluxDB's answer is read
     * ({@link TimeSeriesQuery#stream}): no tree, no {@link TelemetryPoint} objects (issue 15). Numbers are passed
     * through as InfluxDB wrote them (the same values; e.g. {@code 1e-05} stays so). Same validation and errors.
     *
     * @return UTF-8 JSON
     */
    public byte[] queryJson(Actor actor, TenantId tenant, DeviceId device, String from, String to, String fields,
                            String aggregate, String interval, String measurement, Integer limit, String tier) {
        Prepared pr = prepare(actor, tenant, device, from, to, fields, aggregate, interval, measurement, limit, tier);
        JsonPoints pts = new JsonPoints(pr.agg(), pr.wanted());
        if (pr.statement() != null) {
            try {
                timeSeries.stream(pr.bucket(), pr.statement(), pts);
            } catch (UnavailableException | QueryRejectedException e) {
                throw translate(e, fields, measurement, aggregate, interval);
            }
        }
        byte[] points = pts.finish();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(points.length + 512);
        try (tools.jackson.core.JsonGenerator g = STREAM_JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("tenantId", tenant.value().toString());
            g.writeStringProperty("deviceId", device.value().toString());
            g.writeStringProperty("plcId", pr.plcId());
            g.writeStringProperty("measurement", pr.measurement());
            g.writeStringProperty("from", pr.from().toString());
            g.writeStringProperty("to", pr.to().toString());
            g.writeStringProperty("aggregate", pr.agg());
            g.writeStringProperty("interval", interval);
            g.writeName("columns");
            g.writeStartArray();
            for (String c : pts.columns()) {
                g.writeString(c);
            }
            g.writeEndArray();
            g.writeName("points");
            g.writeRawValue(""); // the name and its colon; the array itself is copied below
            g.flush();
            out.write(points, 0, points.length);
            g.writeStringProperty("tier", pr.tier().code());
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * Writes the points of a streamed answer as the JSON array of {@link Result#points()}, collecting
     * {@link Result#columns()} on the way (the same rules as {@link #query}: aggregate prefixes stripped when all
     * fields are read, the platform's tags and empty points left out).
     */
    private static final class JsonPoints implements TimeSeriesQuery.RowSink {
        private final String agg;
        private final boolean stripPrefix;
        private final List<String> columns = new ArrayList<>();
        private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(8192);
        private final tools.jackson.core.JsonGenerator g;
        private String[] names = new String[0];
        private boolean[] shown = new boolean[0];

        JsonPoints(String agg, List<String> wanted) {
            this.agg = agg;
            this.stripPrefix = agg != null && wanted.isEmpty();
            this.g = STREAM_JSON.createGenerator(buf);
            g.writeStartArray();
        }

        @Override
        public void series(String measurement, List<String> cols) {
            names = new String[cols.size()];
            shown = new boolean[cols.size()];
            for (int i = 1; i < cols.size(); i++) {
                String c = cols.get(i);
                String name = stripPrefix && c.startsWith(agg + "_") ? c.substring(agg.length() + 1) : c;
                names[i] = name;
                shown[i] = !PlatformTags.ALL.contains(name);
                if (shown[i]) {
                    columns.add(name);
                }
            }
        }

        @Override
        public void row(TimeSeriesQuery.Row row) {
            boolean open = false;
            int n = Math.min(row.size(), names.length);
            for (int i = 1; i < n; i++) {
                TimeSeriesQuery.CellKind k = row.kind(i);
                if (k == TimeSeriesQuery.CellKind.NULL || !shown[i]) {
                    continue;
                }
                if (!open) {
                    long ns = row.timeNanos();
                    g.writeStartObject();
                    g.writeStringProperty("time", Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L),
                            Math.floorMod(ns, 1_000_000_000L)).toString());
                    g.writeName("fields");
                    g.writeStartObject();
                    open = true;
                }
                g.writeName(names[i]);
                switch (k) {
                    case NUMBER -> g.writeNumber(row.text(i));
                    case BOOLEAN -> g.writeBoolean("true".equals(row.text(i)));
                    default -> g.writeString(row.text(i));
                }
            }
            if (open) {
                g.writeEndObject();
                g.writeEndObject();
            }
        }

        List<String> columns() {
            return columns;
        }

        byte[] finish() {
            g.writeEndArray();
            g.close();
            return buf.toByteArray();
        }
    }

    /**
     * The device of the tenant, its tenant's placement and plan retentions, in one PostgreSQL query
     * ({@link DeviceReadScopes}; issue 15: was four round trips). Not cached: a deleted device is not found by the
     * next read.
     *
     * @throws io.tenantry.core.error.NotFoundException {@code provisioning:device.not-found} when the device is
     *                                                  not the tenant's (or does not exist)
     */
    private DeviceReadScopes.Scope scope(TenantId tenant, DeviceId device) {
        return scopes.find(tenant, device).orElseThrow(() -> new io.tenantry.core.error.NotFoundException(
                "provisioning:device.not-found", "device " + device + " not found"));
    }

    private Prepared prepare(Actor actor, TenantId tenant, DeviceId device, String from, String to, String fields,
                             String aggregate, String interval, String measurement, Integer limit, String tier) {
        actor.requireVisible(tenant);
        DeviceReadScopes.Scope d = scope(tenant, device);
        List<FieldError> errors = new ArrayList<>();
        Instant toT = parseTime("to", to, clock.instant(), errors);
        Instant hourBefore = toT.minus(Duration.ofHours(1));
        Instant fromT = parseTime("from", from, hourBefore.isBefore(MIN_TIME) ? MIN_TIME : hourBefore, errors);
        if (fromT.isAfter(toT) && errors.isEmpty()) {
            errors.add(new FieldError("from", "must not be after 'to'", from));
        }
        String agg = aggregate == null || aggregate.isBlank() ? null : aggregate.toLowerCase();
        if (agg != null && !AGGREGATES.contains(agg)) {
            errors.add(new FieldError("aggregate", "must be one of " + AGGREGATES, aggregate));
        }
        if (agg != null && (interval == null || !INTERVAL.matcher(interval).matches())) {
            errors.add(new FieldError("interval", "required with aggregate; e.g. 10s, 1m, 1h", interval));
        } else if (agg != null && intervalLength(interval).compareTo(MAX_INTERVAL) > 0) {
            errors.add(new FieldError("interval", "at most " + MAX_INTERVAL.toDays() + "d", interval));
        } else if (agg == null && interval != null) {
            errors.add(new FieldError("interval", "only with aggregate", interval));
        }
        int lim = limit == null ? 10_000 : limit;
        if (lim < 1 || lim > MAX_LIMIT) {
            errors.add(new FieldError("limit", "must be 1 to " + MAX_LIMIT, limit));
        }
        List<String> wanted = new ArrayList<>();
        if (fields != null && !fields.isBlank()) {
            for (String f : fields.split(",")) {
                if (!f.isBlank()) {
                    wanted.add(f.trim());
                }
            }
        }
        validateNames(wanted, errors);
        String meas = measurement == null || measurement.isBlank() ? DEFAULT_MEASUREMENT : measurement;
        String measProblem = LineProtocol.nameProblem(meas, LineProtocol.NameKind.FIELD_KEY);
        if (meas.length() > MAX_NAME || !TextRules.isPrintable(meas)) {
            errors.add(new FieldError("measurement", "must be 1 to " + MAX_NAME + " characters and " + TextRules.MESSAGE, measurement));
        } else if (measProblem != null) {
            errors.add(new FieldError("measurement", measProblem, measurement));
        }
        boolean auto = "auto".equalsIgnoreCase(tier);
        Rollups.Tier chosen = tier == null || tier.isBlank() || auto ? Rollups.Tier.RAW : Rollups.Tier.of(tier).orElse(null);
        if (chosen == null) {
            errors.add(new FieldError("tier", "must be one of raw, 10s, 1m, auto", tier));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("telemetry:query.invalid", "the telemetry query is invalid", errors);
        }
        Instant now = clock.instant();
        if (auto && agg != null && ROLLUP_AGGREGATES.contains(agg) && !wanted.isEmpty()) {
            Duration iv = intervalLength(interval);
            for (Rollups.Tier t : List.of(Rollups.Tier.ONE_MINUTE, Rollups.Tier.TEN_SECONDS)) {
                if (iv.toNanos() % t.resolution().toNanos() == 0 && !fromT.isBefore(now.minus(d.retention(t)))) {
                    chosen = t;
                    break;
                }
            }
        }
        Bucket bucket = chosen.bucket(d.placement());
        // nothing older than the plan's retention for the tier, even before the retention job deleted it
        Instant kept = now.minus(d.retention(chosen));
        Instant effFrom = fromT.isBefore(kept) ? kept : fromT;
        if (effFrom.isAfter(toT)) {
            return new Prepared(d.plcId(), meas, fromT, toT, agg, wanted, chosen, bucket, null);
        }
        String q = auto && chosen != Rollups.Tier.RAW
                ? rollupStatement(bucket, tenant, d.plcId(), meas, wanted, agg, interval, effFrom, toT, lim)
                : statement(bucket, tenant, d.plcId(), meas, wanted, agg, interval, effFrom, toT, lim);
        return new Prepared(d.plcId(), meas, fromT, toT, agg, wanted, chosen, bucket, q);
    }

    /**
     * The InfluxQL answering a raw-field aggregate exactly from a rollup tier ({@code tier=auto}; names:
     * {@link Rollups}): min → {@code min(f_min)}, max → {@code max(f_max)}, count → {@code sum(f_count)}, last →
     * {@code last(f_last)}, mean → {@code sum(f_mean·f_count) / sum(f_count)} and sum → {@code sum(f_mean·f_count)}
     * (a subquery, since InfluxQL has no arithmetic inside an aggregate). Same tenant and device conditions as
     * {@link #statement}. Package-visible for the unit test.
     *
     * @param agg one of {@link #ROLLUP_AGGREGATES}; {@code wanted} not empty
     */
    static String rollupStatement(Bucket bucket, TenantId tenant, String plcId, String measurement, List<String> wanted,
                                  String agg, String interval, Instant from, Instant to, int limit) {
        String source = InfluxQL.ident(bucket.database()) + "." + InfluxQL.ident(bucket.retentionPolicy())
                + "." + InfluxQL.ident(TenantMeasurements.stored(tenant.value(), measurement));
        String times = "time >= " + nanos(from) + " AND time <= " + nanos(to);
        String where = " WHERE " + InfluxQL.tag(SharedBuckets.TENANT_TAG) + " = " + InfluxQL.string(tenant.toString())
                + " AND " + InfluxQL.tag(SharedBuckets.DEVICE_TAG) + " = " + InfluxQL.string(plcId) + " AND " + times;
        String tail = " GROUP BY time(" + interval + ") fill(none) ORDER BY time ASC LIMIT " + limit;
        List<String> parts = new ArrayList<>();
        if (agg.equals("mean") || agg.equals("sum")) {
            List<String> inner = new ArrayList<>();
            for (int i = 0; i < wanted.size(); i++) {
                String f = wanted.get(i);
                inner.add(InfluxQL.ident(Rollups.field(f, "mean")) + " * " + InfluxQL.ident(Rollups.field(f, "count"))
                        + " AS " + InfluxQL.ident("w" + i));
                inner.add(InfluxQL.ident(Rollups.field(f, "count")) + " AS " + InfluxQL.ident("c" + i));
                parts.add((agg.equals("mean") ? "sum(" + InfluxQL.ident("w" + i) + ") / sum(" + InfluxQL.ident("c" + i) + ")"
                        : "sum(" + InfluxQL.ident("w" + i) + ")") + " AS " + InfluxQL.ident(f));
            }
            return "SELECT " + String.join(", ", parts) + " FROM (SELECT " + String.join(", ", inner) + " FROM " + source
                    + where + ") WHERE " + times + tail;
        }
        for (String f : wanted) {
            String call = switch (agg) {
                case "min" -> "min(" + InfluxQL.ident(Rollups.field(f, "min")) + ")";
                case "max" -> "max(" + InfluxQL.ident(Rollups.field(f, "max")) + ")";
                case "count" -> "sum(" + InfluxQL.ident(Rollups.field(f, "count")) + ")";
                default -> "last(" + InfluxQL.ident(Rollups.field(f, "last")) + ")";
            };
            parts.add(call + " AS " + InfluxQL.ident(f));
        }
        return "SELECT " + String.join(", ", parts) + " FROM " + source + where + tail;
    }

    /**
     * The InfluxQL for one telemetry query; every statement this builds reads only {@code tenant}'s own
     * measurement ({@code "<tenant uuid>.<measurement>"}, {@link TenantMeasurements}) in {@code bucket} and carries
     * {@code "locatario_id"::tag = '<tenant>'} and {@code "plc_id"::tag = '<plcId>'}. Names reach it only quoted
     * ({@link InfluxQL#ident}, {@link InfluxQL#string}); {@code agg}, {@code interval} and {@code limit} must be
     * validated before. Package-visible for the unit test.
     *
     * @param wanted field names, empty for all fields
     * @param agg    one of {@link #AGGREGATES}, or null for raw points
     */
    static String statement(Bucket bucket, TenantId tenant, String plcId, String measurement, List<String> wanted,
                            String agg, String interval, Instant from, Instant to, int limit) {
        String select;
        if (wanted.isEmpty()) {
            select = agg == null ? "*::field" : agg + "(*)";
        } else {
            List<String> parts = new ArrayList<>();
            for (String f : wanted) {
                parts.add(agg == null ? InfluxQL.ident(f) : agg + "(" + InfluxQL.ident(f) + ") AS " + InfluxQL.ident(f));
            }
            select = String.join(", ", parts);
        }
        return "SELECT " + select + " FROM " + TenantInfluxQL.from(bucket, tenant, measurement)
                + " WHERE " + TenantInfluxQL.tenantIs(tenant) + " AND " + TenantInfluxQL.deviceIs(plcId)
                + " AND " + TenantInfluxQL.timeBetween(from, to)
                + (agg == null ? "" : " GROUP BY time(" + interval + ") fill(none)")
                + " ORDER BY time ASC LIMIT " + limit;
    }

    /** How many newest points {@link #latest} looks at to find every field's latest value. */
    public static final int LATEST_SCAN = 1000;

    /**
     * A field's newest value.
     *
     * @param value the value as stored (number, boolean or string)
     * @param time  the time of the point it came from
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "LatestValue", description = "A field's newest value and its time")
    public record LatestValue(Object value, Instant time) {
    }

    /**
     * The device's latest values (issue 16: {@code limit=1} gives the oldest point of the window).
     *
     * @param lastTime the newest point's time, or null when the device has no data
     * @param fields   field → its newest value among the newest {@link #LATEST_SCAN} points
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "LatestTelemetry", description = "The device's latest value per field")
    public record Latest(UUID tenantId, UUID deviceId, String plcId, String measurement, Instant lastTime,
                         Map<String, LatestValue> fields) {
    }

    /**
     * The latest value of every field of the device: the newest {@link #LATEST_SCAN} points of its measurement over
     * the whole retention, newest first; a field that appears in none of them is left out.
     *
     * @throws InvalidInputException {@code telemetry:query.invalid} for a bad measurement name
     * @throws io.tenantry.core.error.UnavailableException {@code telemetry:influx.unavailable}
     * @throws io.tenantry.core.error.NotFoundException for another tenant's tenant or device
     */
    public Latest latest(Actor actor, TenantId tenant, DeviceId device, String measurement) {
        actor.requireVisible(tenant);
        DeviceReadScopes.Scope d = scope(tenant, device);
        String meas = measurement == null || measurement.isBlank() ? DEFAULT_MEASUREMENT : measurement;
        String measProblem = LineProtocol.nameProblem(meas, LineProtocol.NameKind.FIELD_KEY);
        if (meas.length() > MAX_NAME || !TextRules.isPrintable(meas) || measProblem != null) {
            throw new InvalidInputException("telemetry:query.invalid", "the telemetry query is invalid",
                    List.of(new FieldError("measurement", measProblem != null ? measProblem
                            : "must be 1 to " + MAX_NAME + " characters and " + TextRules.MESSAGE, measurement)));
        }
        Bucket raw = d.placement().raw();
        String q = "SELECT *::field FROM " + InfluxQL.ident(raw.database()) + "." + InfluxQL.ident(raw.retentionPolicy())
                + "." + InfluxQL.ident(TenantMeasurements.stored(tenant.value(), meas))
                + " WHERE " + InfluxQL.tag(SharedBuckets.TENANT_TAG) + " = " + InfluxQL.string(tenant.toString())
                + " AND " + InfluxQL.tag(SharedBuckets.DEVICE_TAG) + " = " + InfluxQL.string(d.plcId())
                + " ORDER BY time DESC LIMIT " + LATEST_SCAN;
        Map<String, LatestValue> latest = new java.util.TreeMap<>();
        Instant newest = null;
        Set<String> hidden = PlatformTags.ALL;
        for (TimeSeriesQuery.Series s : run(raw, q, null, measurement, null, null)) {
            List<String> cols = s.columns();
            for (List<Object> row : s.rows()) {
                long ns = ((Number) row.get(0)).longValue();
                Instant t = Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
                for (int i = 1; i < row.size() && i < cols.size(); i++) {
                    if (row.get(i) != null && !hidden.contains(cols.get(i)) && !latest.containsKey(cols.get(i))) {
                        latest.put(cols.get(i), new LatestValue(row.get(i), t));
                        newest = newest == null || t.isAfter(newest) ? t : newest;
                    }
                }
            }
        }
        return new Latest(tenant.value(), device.value(), d.plcId(), meas, newest, latest);
    }

    /**
     * {@inheritDoc} Two statements on the tenant's raw bucket: the newest point ({@code ORDER BY time DESC LIMIT 1})
     * and {@code count(*)} over the last 24 h (summed over the fields). Any store failure gives empty.
     */
    @Override
    public Optional<Activity> activity(Device d) {
        try {
            TenantId tenant = d.tenantId();
            Bucket raw = placements.placementOf(tenant).raw();
            String from = " FROM " + InfluxQL.ident(raw.database()) + "." + InfluxQL.ident(raw.retentionPolicy())
                    + "." + InfluxQL.ident(TenantMeasurements.stored(tenant.value(), DEFAULT_MEASUREMENT))
                    + " WHERE " + InfluxQL.tag(SharedBuckets.TENANT_TAG) + " = " + InfluxQL.string(tenant.toString())
                    + " AND " + InfluxQL.tag(SharedBuckets.DEVICE_TAG) + " = " + InfluxQL.string(d.plcId().value());
            Instant last = null;
            for (TimeSeriesQuery.Series s : timeSeries.query(raw, "SELECT *::field" + from + " ORDER BY time DESC LIMIT 1")) {
                for (List<Object> row : s.rows()) {
                    long ns = ((Number) row.get(0)).longValue();
                    last = Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
                }
            }
            long values = 0;
            long since = nanos(clock.instant().minus(Duration.ofHours(24)));
            for (TimeSeriesQuery.Series s : timeSeries.query(raw, "SELECT count(*)" + from + " AND time >= " + since)) {
                for (List<Object> row : s.rows()) {
                    for (int i = 1; i < row.size(); i++) {
                        if (row.get(i) instanceof Number n) {
                            values += n.longValue();
                        }
                    }
                }
            }
            return Optional.of(new Activity(last, values));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Runs the query; refused statements (parse errors, "at least 1 non-time field must be queried", ...) become a
     * 400 naming the caller's parameters that shaped the query, never a 500; an unavailable store a 503.
     */
    private List<TimeSeriesQuery.Series> run(Bucket bucket, String q, String fields, String measurement, String aggregate,
                                             String interval) {
        try {
            return timeSeries.query(bucket, q);
        } catch (UnavailableException | QueryRejectedException e) {
            throw translate(e, fields, measurement, aggregate, interval);
        }
    }

    /**
     * The API's error for a store failure: {@code telemetry:influx.unavailable} (503) for an unavailable store,
     * {@code telemetry:query.rejected} (400) naming the caller's parameters that shaped a refused statement.
     */
    private static RuntimeException translate(RuntimeException failure, String fields, String measurement, String aggregate,
                                              String interval) {
        if (failure instanceof UnavailableException e) {
            return new UnavailableException("telemetry:influx.unavailable", "the time-series store is unavailable; retry later", e);
        }
        QueryRejectedException e = (QueryRejectedException) failure;
        String why = influxReason(e.reason());
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> given = new LinkedHashMap<>();
        given.put("fields", fields);
        given.put("measurement", measurement);
        given.put("aggregate", aggregate);
        given.put("interval", interval);
        given.forEach((name, value) -> {
            if (value != null && !value.isBlank()) {
                errors.add(new FieldError(name, "InfluxDB refused the query built from it: " + why, value));
            }
        });
        if (errors.isEmpty()) {
            errors.add(new FieldError("query", "InfluxDB refused the query: " + why, null));
        }
        return new InvalidInputException("telemetry:query.rejected", "InfluxDB refused the query: " + why, errors);
    }

    /** InfluxDB's error text without the echoed query, at most 200 printable characters. */
    private static String influxReason(String message) {
        String m = message == null ? "" : message;
        int cut = m.indexOf(" at line ");
        m = (cut > 0 ? m.substring(0, cut) : m).replaceAll("[^\\x20-\\x7e]", "?");
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    private static void validateNames(List<String> names, List<FieldError> errors) {
        if (names.size() > MAX_FIELDS) {
            errors.add(new FieldError("fields", "at most " + MAX_FIELDS + " names", names.size()));
            return;
        }
        for (String f : names) {
            if (RESERVED_NAMES.contains(f)) {
                errors.add(new FieldError("fields", "'" + f + "' is not a field (time and the platform's tags "
                        + RESERVED_NAMES + " are never selected)", f));
            } else if (f.length() > MAX_NAME || !TextRules.isPrintable(f)) {
                errors.add(new FieldError("fields", "each name must be at most " + MAX_NAME + " characters and " + TextRules.MESSAGE, f));
            }
        }
    }

    /** Length of an interval that matched {@link #INTERVAL}. */
    private static Duration intervalLength(String interval) {
        int unitAt = interval.endsWith("ms") ? interval.length() - 2 : interval.length() - 1;
        long n = Long.parseLong(interval.substring(0, unitAt));
        return switch (interval.substring(unitAt)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    private static long nanos(Instant t) {
        return TenantInfluxQL.nanos(t);
    }

    private static Instant parseTime(String field, String value, Instant dflt, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        Instant t;
        try {
            if (EPOCH_MS.matcher(value).matches()) {
                t = Instant.ofEpochMilli(Long.parseLong(value));
            } else {
                t = java.time.OffsetDateTime.parse(value).toInstant();
            }
        } catch (java.time.DateTimeException | NumberFormatException | ArithmeticException e) {
            errors.add(new FieldError(field, "must be RFC 3339 (2024-01-01T00:00:00Z) or epoch milliseconds", value));
            return dflt;
        }
        if (t.isBefore(MIN_TIME) || t.isAfter(MAX_TIME)) {
            errors.add(new FieldError(field, "must be between " + MIN_TIME + " and " + MAX_TIME + " (InfluxDB's time range)", value));
            return dflt;
        }
        return t;
    }
}
