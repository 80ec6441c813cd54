package io.tenantry.tools.bench;

import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.core.timeseries.SharedBuckets;
import io.tenantry.core.timeseries.TenantMeasurements;
import io.tenantry.tools.Options;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The alert-engine benchmark (issue 12): {@code --rules} rules (default 1,000) over {@code --devices} devices
 * (default 200) evaluated every {@code --every} (default 30s) for {@code --minutes} (default 3). Tenants are
 * ENTERPRISE (200 active rules, 100 devices each), as many as the rules need; every rule watches all devices of
 * its tenant; kinds rotate threshold (mean over 1m), rate of change (5m), no data (5m), anomaly (EWMA, 10m
 * baseline, 1m window). A writer stores one point per device every 5 s straight into InfluxDB (the ingest path is
 * not what is measured). Measured from {@code alert_rule_runs} of these rules whose tick fell due after all rules
 * existed: evaluations, evaluation lag (start of the run after its tick's due time) p50/p99/max, run time p99, CPU time per evaluation (the evaluating
 * thread's), InfluxDB statements per second by the engine, and InfluxDB's own {@code queryReq} counter delta.
 * The rules are deleted at the end. Prints one JSON line last.
 */
public final class AlertBenchmark {
    private AlertBenchmark() {
    }

    public static int run(Options o) throws Exception {
        BenchSession s = BenchSession.open(o);
        int rules = Integer.parseInt(o.get("rules", "1000"));
        int devices = Integer.parseInt(o.get("devices", "200"));
        String every = o.get("every", "30s");
        int minutes = Integer.parseInt(o.get("minutes", "3"));
        String alerts = o.get("alerts", "http://127.0.0.1:" + System.getenv().getOrDefault("TENANTRY_ALERT_PORT", "18084"));
        int tenants = Math.max((rules + 199) / 200, (devices + 99) / 100);
        Map<String, String> env = s.env();
        InfluxV1Client influx = new InfluxV1Client(env.get("TENANTRY_INFLUX_URL"), env.get("TENANTRY_INFLUX_ADMIN_USER"),
                env.get("TENANTRY_INFLUX_ADMIN_PASSWORD"), Duration.ofSeconds(60));

        List<String> tenantIds = new ArrayList<>();
        List<List<String>> plcs = new ArrayList<>();
        for (int t = 0; t < tenants; t++) {
            String id = s.client().createTenant(s.admin(), "alb-" + s.run() + "-" + t, "alert bench " + s.run(), "ENTERPRISE");
            tenantIds.add(id);
            List<String> own = new ArrayList<>();
            for (int d = t; d < devices; d += tenants) {
                String plc = "dev-" + d;
                s.client().postExpect(s.owner(id), "/api/v1/tenants/" + id + "/devices", Map.of("plcId", plc, "type", "modbus_tcp"), 201);
                own.add(plc);
            }
            plcs.add(own);
        }
        System.out.printf(Locale.ROOT, "[alert-bench] %d tenants, %d devices%n", tenants, devices);

        // the writer: one point per device every 5 s, a random walk
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        double[] level = new double[devices];
        writer.scheduleAtFixedRate(() -> {
            long ns = Instant.now().toEpochMilli() * 1_000_000L;
            StringBuilder lp = new StringBuilder();
            for (int t = 0; t < tenants; t++) {
                String m = TenantMeasurements.stored(UUID.fromString(tenantIds.get(t)), "telemetry");
                for (String plc : plcs.get(t)) {
                    int d = Integer.parseInt(plc.substring(4));
                    level[d] += Math.random() - 0.5;
                    lp.append(m).append(',').append(SharedBuckets.TENANT_TAG).append('=').append(tenantIds.get(t))
                            .append(',').append(SharedBuckets.DEVICE_TAG).append('=').append(plc)
                            .append(" temperature=").append(50 + level[d]).append(' ').append(ns).append('\n');
                }
            }
            try {
                influx.write(SharedBuckets.RAW.database(), SharedBuckets.RAW.retentionPolicy(), lp.toString());
            } catch (RuntimeException e) {
                System.out.println("[alert-bench] write failed: " + e.getMessage());
            }
        }, 0, 5, TimeUnit.SECONDS);
        Thread.sleep(15_000); // some data before the rules

        List<String[]> created = new ArrayList<>();
        for (int r = 0; r < rules; r++) {
            int t = r % tenants;
            Map<String, Object> spec = switch (r % 4) {
                case 0 -> Map.of("field", "temperature", "aggregate", "mean", "window", "1m", "op", "above", "value", 60, "for", "1m");
                case 1 -> Map.of("field", "temperature", "window", "5m", "limit", 0.5);
                case 2 -> Map.of("after", "5m");
                default -> Map.of("fields", List.of("temperature"), "baseline", "10m", "window", "1m");
            };
            String kind = switch (r % 4) {
                case 0 -> "threshold";
                case 1 -> "rate_of_change";
                case 2 -> "no_data";
                default -> "anomaly";
            };
            JsonNode rule = post(alerts + "/api/v1/tenants/" + tenantIds.get(t) + "/alert-rules", s.owner(tenantIds.get(t)),
                    Map.of("name", "bench " + r, "kind", kind, "every", every, "spec", spec));
            created.add(new String[]{tenantIds.get(t), rule.get("id").asString()});
        }
        Instant measureFrom = Instant.now();
        long queryReq0 = queryReq(influx);
        System.out.printf(Locale.ROOT, "[alert-bench] %d rules every %s; measuring %d min ...%n", rules, every, minutes);
        Thread.sleep(Duration.ofMinutes(minutes).toMillis());
        Instant measureTo = Instant.now();
        long queryReq1 = queryReq(influx);
        writer.shutdownNow();

        List<Double> lag = new ArrayList<>();
        List<Double> run = new ArrayList<>();
        long cpu = 0;
        long queries = 0;
        long errors = 0;
        try (Connection c = DriverManager.getConnection(env.get("TENANTRY_PG_URL"), env.get("TENANTRY_PG_APP_USER"), env.get("TENANTRY_PG_APP_PASSWORD"));
             PreparedStatement ps = c.prepareStatement("SELECT extract(epoch FROM started_at - due_at), extract(epoch FROM finished_at - started_at),"
                     + " cpu_nanos, queries, error FROM alert_rule_runs r JOIN alert_rules a ON a.id = r.rule_id"
                     + " WHERE a.tenant_id = ANY (?) AND r.due_at >= ? AND r.started_at < ?")) {
            ps.setArray(1, c.createArrayOf("uuid", tenantIds.stream().map(UUID::fromString).toArray()));
            ps.setObject(2, java.time.OffsetDateTime.ofInstant(measureFrom, java.time.ZoneOffset.UTC));
            ps.setObject(3, java.time.OffsetDateTime.ofInstant(measureTo, java.time.ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lag.add(rs.getDouble(1));
                    run.add(rs.getDouble(2));
                    cpu += rs.getLong(3);
                    queries += rs.getLong(4);
                    errors += rs.getString(5) == null ? 0 : 1;
                }
            }
        }
        for (String[] r : created) {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(alerts + "/api/v1/tenants/" + r[0] + "/alert-rules/" + r[1]))
                    .header("Authorization", "Bearer " + s.owner(r[0])).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
        double seconds = Duration.between(measureFrom, measureTo).toMillis() / 1000.0;
        long everyS = Math.max(1, seconds(every));
        long expected = (long) (rules * Math.floor(seconds / everyS));
        System.out.printf(Locale.ROOT, "[alert-bench] %d evaluations (about %d ticks due), %d with errors; lag p50 %.2f s p99 %.2f s max %.2f s;"
                        + " run p99 %.2f s; CPU %.2f ms per evaluation; %.1f engine statements/s; InfluxDB queryReq %.1f/s%n",
                lag.size(), expected, errors, pct(lag, 50), pct(lag, 99), pct(lag, 100), pct(run, 99),
                lag.isEmpty() ? 0 : cpu / 1e6 / lag.size(), queries / seconds, (queryReq1 - queryReq0) / seconds);
        System.out.printf(Locale.ROOT, "{\"rules\":%d,\"devices\":%d,\"every_s\":%d,\"seconds\":%.0f,\"evaluations\":%d,\"errors\":%d,"
                        + "\"lag_p50_s\":%.3f,\"lag_p99_s\":%.3f,\"run_p99_s\":%.3f,\"cpu_ms_per_evaluation\":%.3f,"
                        + "\"engine_statements_per_s\":%.2f,\"influx_query_req_per_s\":%.2f}%n",
                rules, devices, everyS, seconds, lag.size(), errors, pct(lag, 50), pct(lag, 99), pct(run, 99),
                lag.isEmpty() ? 0 : cpu / 1e6 / lag.size(), queries / seconds, (queryReq1 - queryReq0) / seconds);
        return 0;
    }

    static long seconds(String d) {
        long n = Long.parseLong(d.substring(0, d.length() - 1));
        return switch (d.charAt(d.length() - 1)) {
            case 'm' -> n * 60;
            case 'h' -> n * 3600;
            default -> n;
        };
    }

    private static double pct(List<Double> xs, int p) {
        if (xs.isEmpty()) {
            return 0;
        }
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        int rank = (int) Math.ceil(p / 100.0 * s.size()); // nearest-rank percentile
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }

    /** InfluxDB's httpd queryReq counter (SHOW STATS), summed. */
    private static long queryReq(InfluxV1Client influx) {
        long sum = 0;
        try {
            for (var r : influx.query("SHOW STATS FOR 'httpd'", "_internal")) {
                for (var series : r.series()) {
                    int i = series.columns().indexOf("queryReq");
                    if (i >= 0) {
                        for (List<Object> row : series.values()) {
                            sum += row.get(i) instanceof Number n ? n.longValue() : 0;
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            return 0;
        }
        return sum;
    }

    private static JsonNode post(String url, String token, Object body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("POST " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return tools.jackson.databind.json.JsonMapper.builder().build().readTree(r.body());
    }
}
