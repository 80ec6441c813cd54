package io.tenantry.ingest.metering;

import org.jooq.DSLContext;
import org.jooq.Query;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes metering to PostgreSQL (Flyway V7) as the app role: {@code ingest_usage} rows by upsert of absolute
 * values (idempotent), and {@code devices.last_seen_at} for many devices in one statement that only moves it
 * forward.
 */
public final class UsageStore {
    private final DSLContext dsl;

    /** @param dsl jOOQ over the app role's pool */
    public UsageStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * Upserts the rows in one batch.
     *
     * @throws org.jooq.exception.DataAccessException when PostgreSQL cannot be reached (nothing or all written: one
     *                                                transaction)
     */
    public void upsert(List<UsageRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Query> qs = new ArrayList<>(rows.size());
        for (UsageRow r : rows) {
            Long[] hist = new Long[r.latencyHist().length];
            for (int i = 0; i < hist.length; i++) {
                hist[i] = r.latencyHist()[i];
            }
            qs.add(dsl.query("""
                    INSERT INTO ingest_usage (minute, tenant_id, instance_id, messages, points, field_values,
                        refused_field_values, rejected, latency_hist, updated_at)
                    VALUES (?::timestamptz, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::timestamptz)
                    ON CONFLICT (minute, tenant_id, instance_id) DO UPDATE SET messages = EXCLUDED.messages,
                        points = EXCLUDED.points, field_values = EXCLUDED.field_values,
                        refused_field_values = EXCLUDED.refused_field_values, rejected = EXCLUDED.rejected,
                        latency_hist = EXCLUDED.latency_hist, updated_at = EXCLUDED.updated_at""",
                    r.minute().atOffset(ZoneOffset.UTC), r.tenantId(), r.instanceId(), r.messages(), r.points(),
                    r.fieldValues(), r.refusedFieldValues(), json(r.rejected()), hist, now));
        }
        dsl.transaction(cfg -> cfg.dsl().batch(qs).execute());
    }

    /**
     * Sets {@code devices.last_seen_at} where it is older (or unset); unknown devices are ignored.
     *
     * @return rows updated
     */
    public int lastSeen(Map<UsageMeter.DeviceKey, Instant> seen) {
        if (seen.isEmpty()) {
            return 0;
        }
        java.util.UUID[] tenants = new java.util.UUID[seen.size()];
        String[] plcs = new String[seen.size()];
        Timestamp[] times = new Timestamp[seen.size()];
        int i = 0;
        for (var e : seen.entrySet()) {
            tenants[i] = e.getKey().tenant();
            plcs[i] = e.getKey().plcId();
            times[i] = Timestamp.from(e.getValue());
            i++;
        }
        return dsl.execute("""
                UPDATE devices d SET last_seen_at = v.ts
                FROM (SELECT unnest(?::uuid[]) AS t, unnest(?::text[]) AS p, unnest(?::timestamptz[]) AS ts) v
                WHERE d.tenant_id = v.t AND d.plc_id = v.p AND (d.last_seen_at IS NULL OR d.last_seen_at < v.ts)""",
                tenants, plcs, times);
    }

    static String json(Map<String, Long> m) {
        StringBuilder sb = new StringBuilder("{");
        for (var e : new TreeMap<>(m).entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            // reason codes are [a-z_] (RejectReason, quota reasons): no escaping needed, but stay safe
            sb.append('"').append(e.getKey().replace("\\", "\\\\").replace("\"", "\\\"")).append("\":").append(e.getValue());
        }
        return sb.append('}').toString();
    }
}
