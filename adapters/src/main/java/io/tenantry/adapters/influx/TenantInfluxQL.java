package io.tenantry.adapters.influx;

import io.tenantry.core.id.TenantId;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The tenant-scoped pieces of every InfluxQL read the platform builds (issue 7; extracted from the telemetry read
 * path so the alert-engine builds its reads the same way): the source is always the tenant's own measurement
 * {@code "<db>"."<rp>"."<tenant uuid>.<measurement>"} ({@link TenantMeasurements}) and the condition always carries
 * {@code "locatario_id"::tag = '<tenant>'} — with {@code ::tag}, so a field of the same name never stands in for the
 * tag. Names and values reach the text only through {@link InfluxQL#ident} and {@link InfluxQL#string}.
 */
public final class TenantInfluxQL {
    private TenantInfluxQL() {
    }

    /** {@code "<db>"."<rp>"."<tenant uuid>.<measurement>"}: the tenant's measurement in {@code bucket}. */
    public static String from(Bucket bucket, TenantId tenant, String measurement) {
        return InfluxQL.ident(bucket.database()) + "." + InfluxQL.ident(bucket.retentionPolicy())
                + "." + InfluxQL.ident(TenantMeasurements.stored(tenant.value(), measurement));
    }

    /** {@code "locatario_id"::tag = '<tenant>'}. */
    public static String tenantIs(TenantId tenant) {
        return InfluxQL.tag(SharedBuckets.TENANT_TAG) + " = " + InfluxQL.string(tenant.toString());
    }

    /** {@code "plc_id"::tag = '<plcId>'}. */
    public static String deviceIs(String plcId) {
        return InfluxQL.tag(SharedBuckets.DEVICE_TAG) + " = " + InfluxQL.string(plcId);
    }

    /**
     * {@code ("plc_id"::tag = 'a' OR "plc_id"::tag = 'b' ...)}; every value quoted.
     *
     * @param plcIds at least one device
     * @throws IllegalArgumentException when {@code plcIds} is empty
     */
    public static String deviceIn(Collection<String> plcIds) {
        if (plcIds.isEmpty()) {
            throw new IllegalArgumentException("no device");
        }
        List<String> parts = new ArrayList<>(plcIds.size());
        for (String p : plcIds) {
            parts.add(deviceIs(p));
        }
        return "(" + String.join(" OR ", parts) + ")";
    }

    /** {@code time >= <from ns> AND time <= <to ns>} (both inclusive). */
    public static String timeBetween(Instant from, Instant to) {
        return "time >= " + nanos(from) + " AND time <= " + nanos(to);
    }

    /** Epoch nanoseconds, InfluxQL's integer time literal. */
    public static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
