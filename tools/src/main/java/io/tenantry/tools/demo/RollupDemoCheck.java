package io.tenantry.tools.demo;

import io.tenantry.core.timeseries.RollupReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The main job's rollup read-back (issue 11 acceptance): asks quota-service for one rollup pass now
 * ({@code POST /admin/rollup/run}, which waits for a pass another instance runs) and then, for every device,
 * compares each 10-second and 1-minute rollup read through the telemetry API ({@code tier=10s}, {@code tier=1m})
 * with the same aggregates computed from the device's raw points read through the API
 * ({@link RollupReference}: exact count/min/max/last, mean to 1e-9 relative; a window on one side only is a
 * mismatch). Summary keys: {@code rollup_windows_checked}, {@code rollup_mismatches}.
 */
public final class RollupDemoCheck {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /**
     * @param windowsChecked 10 s and 1 m windows compared
     * @param mismatches     windows that differ
     * @param examples       a few mismatch descriptions
     * @param pass           quota-service's answer to the pass (JSON text)
     */
    public record Result(long windowsChecked, long mismatches, List<String> examples, String pass) {
    }

    /**
     * One device to check.
     *
     * @param label    for the examples
     * @param path     {@code /api/v1/tenants/<t>/devices/<d>/telemetry}
     * @param token    a viewer token of the device's tenant
     */
    public record Device(String label, String path, String token) {
    }

    private RollupDemoCheck() {
    }

    /**
     * @param quota quota-service base URL (loopback)
     * @throws IllegalStateException when quota-service does not answer the pass or the API refuses a read
     */
    public static Result run(String quota, ApiClient api, List<Device> devices, Instant from, Instant to) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        // every window up to `to` must be closed (its end + the allowed lateness passed) before the pass, or the
        // newest minute would be compared while the job rightly has not rolled it up yet
        long minute = 60_000L;
        // (ingest has stored everything by now, so no point is newer than the current minute)
        Instant newest = Instant.now().isBefore(to) ? Instant.now() : to;
        Instant closed = Instant.ofEpochMilli(Math.floorDiv(newest.toEpochMilli(), minute) * minute + minute)
                .plus(io.tenantry.core.timeseries.Rollups.ALLOWED_LATENESS).plusSeconds(1);
        long waitMs = Duration.between(Instant.now(), closed).toMillis();
        if (waitMs > 0) {
            System.out.printf(java.util.Locale.ROOT, "  rollups: waiting %.0f s until the last window (%s) is closed%n", waitMs / 1000.0, newest);
            Thread.sleep(waitMs);
        }
        HttpResponse<String> pass = http.send(HttpRequest.newBuilder(URI.create(quota + "/admin/rollup/run"))
                .timeout(Duration.ofMinutes(10)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (pass.statusCode() != 200) {
            throw new IllegalStateException("quota-service rollup run answered " + pass.statusCode() + ": " + pass.body());
        }
        RollupReference.Report total = RollupReference.Report.EMPTY;
        for (Device d : devices) {
            String q = "?from=" + from + "&to=" + to + "&limit=100000";
            List<RollupReference.Raw> raw = read(api, d, q);
            for (var tier : List.of(Map.entry("10s", 10_000_000_000L), Map.entry("1m", 60_000_000_000L))) {
                Map<Long, Map<String, Object>> actual = new HashMap<>();
                read(api, d, q + "&tier=" + tier.getKey()).forEach(p -> actual.put(p.timeNanos(), p.fields()));
                total = total.plus(RollupReference.compare(d.label() + " " + tier.getKey(),
                        RollupReference.expected(raw, tier.getValue()), actual));
            }
        }
        return new Result(total.windowsChecked(), total.mismatches(), total.examples(), pass.body());
    }

    private static List<RollupReference.Raw> read(ApiClient api, Device d, String query) {
        ApiClient.Response r = api.get(d.token(), d.path() + query);
        if (r.status() != 200) {
            throw new IllegalStateException("telemetry read " + d.path() + query + " answered " + r.status() + ": " + r.body());
        }
        List<RollupReference.Raw> out = new ArrayList<>();
        for (JsonNode p : r.body().get("points")) {
            Instant t = Instant.parse(p.get("time").asString());
            Map<String, Object> fields = new LinkedHashMap<>();
            for (var e : p.get("fields").properties()) {
                fields.put(e.getKey(), value.apply(e.getValue()));
            }
            out.add(new RollupReference.Raw(t.getEpochSecond() * 1_000_000_000L + t.getNano(), fields));
        }
        return out;
    }

    private static final Function<JsonNode, Object> value = v -> v.isBoolean() ? (Object) v.asBoolean()
            : v.isIntegralNumber() ? (Object) v.asLong() : v.isNumber() ? (Object) v.asDouble() : v.asString();
}
