package io.tenantry.adapters.grafana.query;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a tenant's data source points and with which credential: the query gateway's URL and the tenant's gateway
 * credential (issue 13) — or, where no gateway exists, any InfluxDB 1.x {@code /query} endpoint. Sends a query
 * exactly as Grafana's InfluxDB data source does ({@code GET <url>/query?db=<db>&epoch=ms&q=<q>},
 * {@code Authorization: Basic}, one statement), and reads the answer as Grafana does ({@code results[0]} only).
 *
 * @param url      base URL, e.g. {@code http://127.0.0.1:18085}
 * @param user     Basic user
 * @param password Basic password
 * @param label    what it is, for reports (e.g. {@code gateway}, {@code influxdb-direct})
 */
public record InfluxQueryEndpoint(String url, String user, String password, String label) {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1).build();

    /**
     * The answer as Grafana reads it.
     *
     * @param status HTTP status
     * @param error  top-level or {@code results[0].error}, or null
     * @param rows   value rows over all series of {@code results[0]}
     * @param plcIds {@code plc_id} values seen (series tags, or column 1 of {@code SHOW TAG VALUES WITH KEY = "plc_id"})
     */
    public record Answer(int status, String error, long rows, Set<String> plcIds) {
        /** No error and at least one row. */
        public boolean hasData() {
            return error == null && rows > 0;
        }
    }

    /** Runs one already-expanded statement against {@code database}. */
    public Answer query(String database, String q) {
        String uri = (url.endsWith("/") ? url : url + "/") + "query?db=" + enc(database) + "&epoch=ms&q=" + enc(q);
        HttpRequest req = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60)).GET()
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))).build();
        HttpResponse<String> r;
        try {
            r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Answer(0, "no answer from " + url + ": " + e.getMessage(), 0, Set.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, "interrupted", 0, Set.of());
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (RuntimeException e) {
            return new Answer(r.statusCode(), "not JSON: " + r.body(), 0, Set.of());
        }
        if (body.hasNonNull("error")) {
            return new Answer(r.statusCode(), body.get("error").asString(), 0, Set.of());
        }
        JsonNode first = body.path("results").path(0);
        if (first.hasNonNull("error")) {
            return new Answer(r.statusCode(), first.get("error").asString(), 0, Set.of());
        }
        if (r.statusCode() >= 400) {
            return new Answer(r.statusCode(), body.path("message").asString(r.body()), 0, Set.of());
        }
        long rows = 0;
        Set<String> plcIds = new TreeSet<>();
        boolean tagValues = q.trim().toUpperCase().startsWith("SHOW TAG VALUES");
        for (JsonNode s : first.path("series")) {
            rows += s.path("values").size();
            if (s.path("tags").has("plc_id")) {
                plcIds.add(s.path("tags").get("plc_id").asString());
            }
            if (tagValues) {
                for (JsonNode row : s.path("values")) {
                    plcIds.add(row.path(1).asString());
                }
            }
        }
        return new Answer(r.statusCode(), null, rows, plcIds);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
