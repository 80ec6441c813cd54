package io.tenantry.adapters.influx;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Minimal client for InfluxDB's v1 HTTP API, which InfluxDB 1.x, 2.x (v1 compatibility endpoints) and 3.x serve:
 * {@code POST /write} with line protocol and {@code POST /query} with InfluxQL (docs.influxdata.com/influxdb/v1/
 * tools/api). Authenticates with HTTP Basic (1.x users; in 2.x the password is a token). Thread-safe.
 */
public final class InfluxV1Client {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param baseUrl  e.g. {@code http://127.0.0.1:8086}
     * @param username InfluxDB user, or null for none
     * @param password its password
     * @param timeout  per request
     */
    public InfluxV1Client(String baseUrl, String username, String password, Duration timeout) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        this.authorization = username == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + Objects.requireNonNullElse(password, "")).getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * Writes line protocol with nanosecond precision.
     *
     * @param database        target database
     * @param retentionPolicy target retention policy, or null for the database default
     * @param lineProtocol    newline-separated lines
     * @throws InfluxV1Exception unless InfluxDB answers 204
     */
    public void write(String database, String retentionPolicy, String lineProtocol) {
        StringBuilder q = new StringBuilder("/write?precision=ns&db=").append(enc(database));
        if (retentionPolicy != null) {
            q.append("&rp=").append(enc(retentionPolicy));
        }
        HttpRequest.Builder b = request(q.toString())
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(lineProtocol, StandardCharsets.UTF_8));
        HttpResponse<String> r = send(b.build(), "write to " + database);
        if (r.statusCode() != 204) {
            throw new InfluxV1Exception("write to " + database + " answered " + r.statusCode() + ": "
                    + r.body().trim(), r.statusCode(), null);
        }
    }

    /**
     * Runs InfluxQL statements (separated by {@code ;}) with timestamps in nanoseconds.
     *
     * @param database database context, or null
     * @return one {@link Result} per statement
     * @throws InfluxV1Exception on HTTP errors or when any statement returned an error
     */
    public List<Result> query(String influxql, String database) {
        StringBuilder form = new StringBuilder("epoch=ns&q=").append(enc(influxql));
        if (database != null) {
            form.append("&db=").append(enc(database));
        }
        HttpRequest req = request("/query")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
        HttpResponse<String> r = send(req, "query");
        if (r.statusCode() != 200) {
            throw new InfluxV1Exception("query answered " + r.statusCode() + ": " + r.body().trim(), r.statusCode(), null);
        }
        JsonNode root = JSON.readTree(r.body());
        if (root.hasNonNull("error")) {
            throw new InfluxV1Exception("query error: " + root.get("error").asString(), 400, null);
        }
        List<Result> results = new ArrayList<>();
        for (JsonNode res : root.path("results")) {
            if (res.hasNonNull("error")) {
                throw new InfluxV1Exception("query error: " + res.get("error").asString(), 400, null);
            }
            List<Series> series = new ArrayList<>();
            for (JsonNode s : res.path("series")) {
                Map<String, String> tags = new LinkedHashMap<>();
                s.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asString()));
                List<String> cols = new ArrayList<>();
                s.path("columns").forEach(c -> cols.add(c.asString()));
                List<List<Object>> values = new ArrayList<>();
                for (JsonNode row : s.path("values")) {
                    List<Object> vs = new ArrayList<>(row.size());
                    for (JsonNode v : row) {
                        vs.add(v.isNull() ? null : v.isBoolean() ? v.asBoolean() : v.isIntegralNumber() ? v.asLong()
                                : v.isNumber() ? v.asDouble() : v.asString());
                    }
                    values.add(vs);
                }
                series.add(new Series(s.path("name").asString(""), tags, cols, values));
            }
            results.add(new Result(series));
        }
        return results;
    }

    /** Runs statements and ignores their results (DDL, user management). */
    public void execute(String influxql) {
        query(influxql, null);
    }

    /** True when {@code /ping} answers 204. */
    public boolean ping() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/ping")).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 204;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest req, String what) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InfluxV1Exception(what + " failed: " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfluxV1Exception(what + " interrupted", 0, e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The series of one statement. */
    public record Result(List<Series> series) {
        /** All rows of all series, for statements returning one series. */
        public List<List<Object>> rows() {
            List<List<Object>> all = new ArrayList<>();
            series.forEach(s -> all.addAll(s.values()));
            return all;
        }
    }

    /**
     * One series of a query result.
     *
     * @param name    measurement name
     * @param tags    GROUP BY tag values
     * @param columns column names; {@code time} first for data queries (epoch ns)
     * @param values  rows; numbers as Long or Double
     */
    public record Series(String name, Map<String, String> tags, List<String> columns, List<List<Object>> values) {
    }
}
