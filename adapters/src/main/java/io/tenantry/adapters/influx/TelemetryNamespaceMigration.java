package io.tenantry.adapters.influx;

import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.PlatformTags;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Moves points written before the per-tenant measurement namespace (issue 7; {@link TenantMeasurements}) into it:
 * every <i>legacy</i> measurement of a bucket (a name not of the form {@code <uuid>.<name>}, e.g. the shared
 * {@code telemetry}) is split by its {@code locatario_id} tag into {@code <tenant uuid>.<name>}, checked, and
 * dropped.
 * <p>
 * Per legacy measurement {@code m} and per tenant {@code t} in {@code SHOW TAG VALUES FROM m WITH KEY = locatario_id}:
 * <pre>
 * SELECT "f1"::field, "f2"::field, ... INTO "&lt;db&gt;"."&lt;rp&gt;"."&lt;t&gt;.m" FROM "&lt;db&gt;"."&lt;rp&gt;"."m"
 *   WHERE "locatario_id"::tag = '&lt;t&gt;' AND time &gt;= &lt;min&gt; AND time &lt;= &lt;max&gt; GROUP BY *
 * </pre>
 * {@code GROUP BY *} keeps the tags as tags; the explicit time range includes future points (InfluxDB 1.x stops at
 * {@code now()} otherwise); fields come from {@code SHOW FIELD KEYS} <b>without</b> the reserved names
 * ({@code time}, {@code locatario_id}, {@code plc_id}, {@code type}: the "field named like a tag" attack is not
 * carried over). Then the per-field counts of the copy are compared with the source's; only when every tenant's
 * copy matches is {@code DROP MEASUREMENT m} run. Anything else (a {@code locatario_id} that is not a UUID, a
 * count mismatch, an error such as a field type conflict with data already in the new measurement) leaves the
 * legacy measurement in place and is reported, so nothing is lost; the next run tries again.
 * <p>
 * Idempotent: re-copying rewrites the same series and timestamps with the same values. Needs a user with ALL
 * on the bucket's database (the admin). Points an <i>old</i> ingest still writes into a legacy measurement
 * between the copy and the drop would be lost: stop old ingest instances before the first start of a
 * provisioning-api that runs this (docs/telemetry.md, "Cut-over"); the broker keeps their messages meanwhile.
 */
public final class TelemetryNamespaceMigration {
    /** Earliest and latest timestamps InfluxDB 1.x accepts (1677-09-21 … 2262-04-11), in ns. */
    static final long MIN_TIME = -9_223_372_036_854_775_806L;
    static final long MAX_TIME = 9_223_372_036_854_775_806L;
    private static final Set<String> RESERVED = PlatformTags.RESERVED_NAMES;

    private TelemetryNamespaceMigration() {
    }

    /**
     * What one run did.
     *
     * @param copied   stored (namespaced) measurement → field values copied into it
     * @param dropped  legacy measurements dropped after a verified copy
     * @param problems legacy measurements kept, with the reason
     */
    public record Report(Map<String, Long> copied, List<String> dropped, List<String> problems) {
        /** True when there was nothing to migrate. */
        public boolean nothingToDo() {
            return copied.isEmpty() && dropped.isEmpty() && problems.isEmpty();
        }
    }

    /**
     * Migrates every legacy measurement of {@code bucket}.
     *
     * @param admin  a client with ALL privileges on the bucket's database
     * @param bucket e.g. {@link SharedBuckets#RAW}
     * @return what was copied, dropped and kept
     * @throws InfluxV1Exception when InfluxDB cannot be reached for the listing
     */
    public static Report run(InfluxV1Client admin, Bucket bucket) {
        String db = bucket.database();
        Map<String, Long> copied = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String m : column0(admin.query("SHOW MEASUREMENTS", db))) {
            if (TenantMeasurements.isNamespaced(m)) {
                continue;
            }
            try {
                String problem = migrate(admin, bucket, m, copied);
                if (problem == null) {
                    admin.query("DROP MEASUREMENT " + InfluxQL.ident(m), db);
                    dropped.add(m);
                } else {
                    problems.add(m + ": " + problem);
                }
            } catch (InfluxV1Exception e) {
                problems.add(m + ": " + e.getMessage());
            }
        }
        return new Report(copied, dropped, problems);
    }

    private static String migrate(InfluxV1Client admin, Bucket bucket, String m, Map<String, Long> copied) {
        String db = bucket.database();
        String from = qualified(bucket, m);
        List<String> fields = new ArrayList<>();
        for (String f : column0(admin.query("SHOW FIELD KEYS FROM " + from, db))) {
            if (!RESERVED.contains(f) && !fields.contains(f)) {
                fields.add(f);
            }
        }
        List<String> tenants = new ArrayList<>();
        for (List<Object> row : admin.query("SHOW TAG VALUES FROM " + from + " WITH KEY = "
                + InfluxQL.ident(SharedBuckets.TENANT_TAG), db).get(0).rows()) {
            tenants.add(String.valueOf(row.get(1)));
        }
        if (fields.isEmpty()) {
            return tenants.isEmpty() ? null : "no field other than reserved names; kept for inspection";
        }
        List<String> problems = new ArrayList<>();
        String select = String.join(", ", fields.stream().map(f -> InfluxQL.ident(f) + "::field").toList());
        String range = " AND time >= " + MIN_TIME + " AND time <= " + MAX_TIME;
        for (String t : tenants) {
            UUID tenant;
            try {
                tenant = UUID.fromString(t);
            } catch (IllegalArgumentException e) {
                problems.add("locatario_id '" + t + "' is not a UUID");
                continue;
            }
            if (!tenant.toString().equals(t.toLowerCase(Locale.ROOT))) {
                problems.add("locatario_id '" + t + "' is not a canonical UUID");
                continue;
            }
            String target = TenantMeasurements.stored(tenant, m);
            String where = " WHERE " + InfluxQL.tag(SharedBuckets.TENANT_TAG) + " = " + InfluxQL.string(t) + range;
            admin.query("SELECT " + select + " INTO " + qualified(bucket, target) + " FROM " + from + where + " GROUP BY *", db);
            long source = countAll(admin, db, from, fields, where);
            long copy = countAll(admin, db, qualified(bucket, target), fields, where);
            if (copy < source) {
                problems.add(target + " holds " + copy + " of " + source + " field values after the copy");
            }
            copied.merge(target, source, Long::sum);
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /** Sum of {@code count(field)} over the given fields. */
    private static long countAll(InfluxV1Client admin, String db, String from, List<String> fields, String where) {
        String select = String.join(", ", fields.stream().map(f -> "count(" + InfluxQL.ident(f) + "::field)").toList());
        long sum = 0;
        for (List<Object> row : admin.query("SELECT " + select + " FROM " + from + where, db).get(0).rows()) {
            for (int i = 1; i < row.size(); i++) {
                if (row.get(i) instanceof Number n) {
                    sum += n.longValue();
                }
            }
        }
        return sum;
    }

    private static String qualified(Bucket b, String measurement) {
        return InfluxQL.ident(b.database()) + "." + InfluxQL.ident(b.retentionPolicy()) + "." + InfluxQL.ident(measurement);
    }

    private static List<String> column0(List<InfluxV1Client.Result> results) {
        List<String> out = new ArrayList<>();
        for (List<Object> row : results.get(0).rows()) {
            out.add(String.valueOf(row.get(0)));
        }
        return out;
    }
}
