package io.tenantry.adapters.grafana.dashboard;

import io.tenantry.core.timeseries.PlatformTags;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Every name the generated InfluxQL relies on, in one place so that the lead can align it with the downsampling
 * (issue 11), quota metrics (issue 10) and query gateway (issue 13) branches without touching the generator.
 * <ul>
 *   <li><b>Rollup fields</b> (issue 11, "document the naming"): in {@code processo} (10 s) and {@code processo_1m}
 *       (1 min) each numeric field {@code F} of the raw point becomes {@code F_mean}, {@code F_min},
 *       {@code F_max}, {@code F_last}, {@code F_count}, in the same measurement and with the same tags.</li>
 *   <li><b>Tiers by age</b>: a panel draws raw points for the part of the range younger than the plan's raw
 *       retention, {@code processo} (10 s) up to {@link #PROCESSED_WINDOW}, {@code processo_1m} beyond; each tier
 *       is one target whose {@code WHERE} bounds it to its window, so the three never overlap.</li>
 *   <li><b>Measurement</b>: the tenant's view name {@code telemetry}; the query gateway maps it to the stored
 *       {@code <tenant UUID>.telemetry} (core {@link TenantMeasurements}) of the caller.</li>
 *   <li><b>Tenant filter</b>: every statement carries {@code "locatario_id" = '<uuid>'} (design note 003 §5,
 *       "Grafana queries always filter locatario_id"). It protects nothing by itself (a Grafana user can send any
 *       query): the gateway's rewrite does; it keeps the queries meaningful on any path.</li>
 *   <li><b>platform_metrics</b> (issue 10, quota-service): measurement {@link #USAGE_MEASUREMENT} with field
 *       {@link #USAGE_POINTS_FIELD}, measurement {@link #REFUSALS_MEASUREMENT} with tag {@code reason} and field
 *       {@code count}; tagged {@code locatario_id}.</li>
 * </ul>
 */
public final class QueryNaming {
    private QueryNaming() {
    }

    /** The aggregates stored per numeric field in the rollup tiers, in order. */
    public static final List<String> ROLLUP_AGGREGATES = List.of("mean", "min", "max", "last", "count");
    /** Age beyond which a panel reads {@code processo_1m} instead of {@code processo} (issue 11 chooses processo's retention). */
    public static final Duration PROCESSED_WINDOW = Duration.ofDays(30);
    /** The tenant's telemetry measurement name (tenant view). */
    public static final String TELEMETRY = "telemetry";
    /** platform_metrics: field values ingested per tenant and minute (note 003 §9 name; quota-service UsageRollup). */
    public static final String USAGE_MEASUREMENT = "ingest_points_min";
    /** platform_metrics: the field every quota-service metric carries its value in. */
    public static final String USAGE_POINTS_FIELD = "value";
    /** platform_metrics: refused messages per tenant, minute and {@code reason} tag (quota-service UsageRollup). */
    public static final String REFUSALS_MEASUREMENT = "ingest_rejected";

    /** A tier of the telemetry data and the database (bucket) its data source points at. */
    public enum Tier {
        RAW(SharedBuckets.RAW.database()), PROCESSED(SharedBuckets.PROCESSED.database()),
        ONE_MINUTE(SharedBuckets.ONE_MINUTE.database());

        private final String database;

        Tier(String database) {
            this.database = database;
        }

        /** The tenant-view database name, e.g. {@code processo_raw}. */
        public String database() {
            return database;
        }
    }

    /** The rollup field name: {@code rollupField("Pressure", "mean")} = {@code Pressure_mean}. */
    public static String rollupField(String field, String aggregate) {
        if (!ROLLUP_AGGREGATES.contains(aggregate)) {
            throw new IllegalArgumentException("unknown rollup aggregate " + aggregate);
        }
        return field + "_" + aggregate;
    }

    /** The field a tier's panel averages: the raw field, or its {@code _mean} rollup. */
    public static String fieldFor(Tier tier, String field) {
        return tier == Tier.RAW ? field : rollupField(field, "mean");
    }

    /**
     * The measurement the generated queries name (quoted by the caller): the tenant's view, {@code telemetry}. The
     * data sources point at the query gateway, which maps it to the stored {@code <uuid>.telemetry} of the caller
     * (issue 13); naming the stored name would read {@code <uuid>.<uuid>.telemetry} there, i.e. nothing.
     */
    public static String measurement(UUID tenant) {
        return TELEMETRY;
    }

    /** {@code "locatario_id" = '<uuid>'}. */
    public static String tenantFilter(UUID tenant) {
        return quoteIdent(PlatformTags.TENANT) + " = '" + tenant + "'";
    }

    /** InfluxQL double-quoted identifier ({@code "} and {@code \} escaped). */
    public static String quoteIdent(String name) {
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** InfluxQL duration literal in whole hours or days, e.g. {@code 3d}. */
    public static String duration(Duration d) {
        if (d.toHours() % 24 == 0) {
            return d.toDays() + "d";
        }
        return d.toHours() + "h";
    }
}
