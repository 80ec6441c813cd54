package io.tenantry.provisioning.telemetry;

import io.tenantry.adapters.influx.InfluxQL;
import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.core.error.FieldError;
import io.tenantry.core.error.InvalidInputException;
import io.tenantry.core.id.DeviceId;
import io.tenantry.core.id.TenantId;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.db.jooq.tables.records.DevicesRecord;
import io.tenantry.provisioning.auth.Actor;
import io.tenantry.provisioning.device.DeviceManagement;
import org.jooq.DSLContext;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a device's points back from the shared raw bucket, tenant-scoped twice over: the measurement is the
 * caller's own namespace ({@code measurement=telemetry} reads {@code "<caller's tenant uuid>.telemetry"},
 * {@link TenantMeasurements}; no other tenant's field names or types live there), and the InfluxQL this builds
 * always carries {@code "locatario_id"::tag = '<caller's tenant>'} and {@code "plc_id"::tag = '<device>'} — with
 * {@code ::tag}, so a field of the same name could never stand in for the tag (issue 7). User input reaches the
 * query only as quoted identifiers ({@link InfluxQL#ident}) or validated numbers and durations; the answer names
 * the measurement as the tenant knows it. The InfluxDB credential used
 * is the API's read-only service user, never handed to tenants.
 */
@Service
public class TelemetryQuery {
    /** Aggregates InfluxQL offers that make sense per field over a time bucket. */
    public static final Set<String> AGGREGATES = Set.of("mean", "min", "max", "sum", "count", "first", "last", "median", "stddev", "spread");
    private static final Pattern INTERVAL = Pattern.compile("[1-9][0-9]{0,5}(ms|s|m|h|d|w)");
    private static final Pattern EPOCH_MS = Pattern.compile("-?[0-9]{1,16}");
    public static final int MAX_LIMIT = 100_000;
    /** The measurement a tenant reads when it names none (ingest's default). */
    public static final String DEFAULT_MEASUREMENT = "telemetry";

    private final DSLContext dsl;
    private final InfluxV1Client influx;

    public TelemetryQuery(DSLContext dsl, @Qualifier("telemetryReader") InfluxV1Client influx) {
        this.dsl = dsl;
        this.influx = influx;
    }

    /**
     * One stored point as returned.
     *
     * @param time   timestamp, nanoseconds precision
     * @param fields field name → value (Double, Long, Boolean or String); aggregated queries give one value per field
     */
    public record TelemetryPoint(Instant time, Map<String, Object> fields) {
    }

    /**
     * The answer.
     *
     * @param columns field names in column order
     */
    public record Result(TenantId tenantId, DeviceId deviceId, String plcId, String measurement, Instant from, Instant to,
                         String aggregate, String interval, List<String> columns, List<TelemetryPoint> points) {
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
     * @throws InvalidInputException field by field
     * @throws io.tenantry.core.error.NotFoundException for another tenant's tenant or device
     */
    public Result query(Actor actor, TenantId tenant, DeviceId device, String from, String to, String fields, String aggregate,
                        String interval, String measurement, Integer limit) {
        actor.requireVisible(tenant);
        DevicesRecord d = DeviceManagement.record(dsl, tenant, device);
        List<FieldError> errors = new ArrayList<>();
        Instant toT = parseTime("to", to, Instant.now(), errors);
        Instant fromT = parseTime("from", from, toT.minus(Duration.ofHours(1)), errors);
        if (fromT.isAfter(toT)) {
            errors.add(new FieldError("from", "must not be after 'to'", from));
        }
        String agg = aggregate == null || aggregate.isBlank() ? null : aggregate.toLowerCase();
        if (agg != null && !AGGREGATES.contains(agg)) {
            errors.add(new FieldError("aggregate", "must be one of " + AGGREGATES, aggregate));
        }
        if (agg != null && (interval == null || !INTERVAL.matcher(interval).matches())) {
            errors.add(new FieldError("interval", "required with aggregate; e.g. 10s, 1m, 1h", interval));
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
        String meas = measurement == null || measurement.isBlank() ? DEFAULT_MEASUREMENT : measurement;
        String measProblem = LineProtocol.nameProblem(meas, LineProtocol.NameKind.FIELD_KEY);
        if (measProblem != null) {
            errors.add(new FieldError("measurement", measProblem, measurement));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("telemetry:query.invalid", "the telemetry query is invalid", errors);
        }
        Bucket raw = SharedBuckets.RAW;
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
        String q = "SELECT " + select + " FROM " + InfluxQL.ident(raw.database()) + "." + InfluxQL.ident(raw.retentionPolicy())
                + "." + InfluxQL.ident(TenantMeasurements.stored(tenant.value(), meas))
                + " WHERE " + InfluxQL.tag(SharedBuckets.TENANT_TAG) + " = " + InfluxQL.string(tenant.toString())
                + " AND " + InfluxQL.tag(SharedBuckets.DEVICE_TAG) + " = " + InfluxQL.string(d.getPlcId())
                + " AND time >= " + nanos(fromT) + " AND time <= " + nanos(toT)
                + (agg == null ? "" : " GROUP BY time(" + interval + ") fill(none)")
                + " ORDER BY time ASC LIMIT " + lim;
        List<InfluxV1Client.Result> results = influx.query(q, raw.database());
        List<String> columns = new ArrayList<>();
        List<TelemetryPoint> points = new ArrayList<>();
        Set<String> hidden = Set.of(SharedBuckets.TENANT_TAG, SharedBuckets.DEVICE_TAG, "type");
        for (InfluxV1Client.Series s : results.isEmpty() ? List.<InfluxV1Client.Series>of() : results.get(0).series()) {
            List<String> cols = s.columns();
            for (int i = 1; i < cols.size(); i++) {
                String name = agg != null && wanted.isEmpty() && cols.get(i).startsWith(agg + "_")
                        ? cols.get(i).substring(agg.length() + 1) : cols.get(i);
                columns.add(name);
            }
            for (List<Object> row : s.values()) {
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
        return new Result(tenant, device, d.getPlcId(), meas, fromT, toT, agg, interval, columns, points);
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static Instant parseTime(String field, String value, Instant dflt, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        try {
            if (EPOCH_MS.matcher(value).matches()) {
                return Instant.ofEpochMilli(Long.parseLong(value));
            }
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException | NumberFormatException e) {
            errors.add(new FieldError(field, "must be RFC 3339 (2024-01-01T00:00:00Z) or epoch milliseconds", value));
            return dflt;
        }
    }
}
