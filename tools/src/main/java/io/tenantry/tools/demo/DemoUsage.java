package io.tenantry.tools.demo;

import io.tenantry.adapters.auth.LocalIssuer;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The main job's usage check (issue 10): each demo tenant's usage as quota-service's
 * {@code GET /api/v1/tenants/{id}/usage} reports it (day granularity, the days of the run), read with the tenant's
 * viewer token. It waits (up to {@code timeout}) until the reported field values add up to what the demo read back
 * from InfluxDB, since the roll-up runs every 10 s. Ingest meters what it hands off durably, so the two agree
 * exactly unless a point repeats another's series and timestamp (InfluxDB keeps one; metering counts both).
 */
final class DemoUsage {
    /** One tenant's usage. */
    record TenantUsage(String slug, String plan, long fieldValues, long points, long messages, double quotaPercent) {
    }

    /** Every tenant's usage and the sum of field values; {@code reachable} false when quota-service never answered. */
    record Result(Map<String, TenantUsage> tenants, long fieldValues, boolean reachable) {
        /** The JSON keys this adds to the summary line: {@code "usage_field_values"} and {@code "usage"}. */
        String jsonKeys() {
            StringBuilder sb = new StringBuilder(",\"usage_field_values\":").append(fieldValues).append(",\"usage\":{");
            int i = 0;
            for (var e : tenants.entrySet()) {
                TenantUsage u = e.getValue();
                sb.append(i++ > 0 ? "," : "").append('"').append(u.slug()).append("\":{\"plan\":\"").append(u.plan())
                        .append("\",\"field_values\":").append(u.fieldValues()).append(",\"points\":").append(u.points())
                        .append(",\"messages\":").append(u.messages())
                        .append(String.format(Locale.ROOT, ",\"quota_percent\":%.2f}", u.quotaPercent()));
            }
            return sb.append('}').toString();
        }
    }

    private DemoUsage() {
    }

    /**
     * @param quota     quota-service base URL
     * @param issuer    the local issuer (viewer tokens)
     * @param slugs     tenant id → slug
     * @param since     start of the run (its UTC day is the first day asked)
     * @param expected  field values the demo read back from InfluxDB (stop waiting when reached)
     * @param timeout   how long to wait for the roll-up
     */
    static Result read(String quota, LocalIssuer issuer, Map<String, String> slugs, Instant since, long expected,
                       Duration timeout) throws InterruptedException {
        ApiClient client = new ApiClient(quota);
        String from = LocalDate.ofInstant(since, ZoneOffset.UTC).toString();
        String to = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, TenantUsage> out = new LinkedHashMap<>();
        boolean reachable = false;
        while (true) {
            out.clear();
            long sum = 0;
            for (var e : slugs.entrySet()) {
                String viewer = issuer.mint("demo-viewer", e.getKey(), List.of("viewer"), Duration.ofMinutes(10));
                try {
                    ApiClient.Response r = client.get(viewer, "/api/v1/tenants/" + e.getKey() + "/usage?granularity=day&from="
                            + from + "&to=" + to);
                    if (r.status() != 200) {
                        continue;
                    }
                    reachable = true;
                    JsonNode b = r.body();
                    long fv = b.get("fieldValues").asLong();
                    long budget = b.get("dailyBudget").asLong();
                    out.put(e.getKey(), new TenantUsage(e.getValue(), b.get("plan").asString(), fv, b.get("points").asLong(),
                            b.get("messages").asLong(), budget > 0 ? fv * 100.0 / budget : 0));
                    sum += fv;
                } catch (RuntimeException ex) {
                    // not up yet: retried until the deadline
                }
            }
            if (sum == expected && out.size() == slugs.size() || System.nanoTime() > deadline) {
                return new Result(new LinkedHashMap<>(out), sum, reachable);
            }
            Thread.sleep(2000);
        }
    }
}
