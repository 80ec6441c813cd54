package io.tenantry.adapters.influx;

import io.tenantry.core.timeseries.TimeSeriesQuery;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
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
        HttpRequest req = queryRequest(influxql, database);
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

    /**
     * Runs one InfluxQL statement (timestamps in nanoseconds) and hands the first result's series to {@code sink}
     * while reading InfluxDB's answer from the connection: no tree, no copy of the body (issue 15). Numbers reach
     * the sink as InfluxDB wrote them. Same errors as {@link #query}; an answer that is not InfluxDB's JSON is
     * reported with status 0 (retriable). Rows handed over before a failure must be discarded by the caller.
     *
     * @param database database context, or null
     * @throws InfluxV1Exception on HTTP errors, when a statement returned an error, or on an unreadable answer
     */
    public void stream(String influxql, String database, TimeSeriesQuery.RowSink sink) {
        stream(influxql, database, 0, sink);
    }

    /**
     * Like {@link #stream(String, String, TimeSeriesQuery.RowSink)}; with {@code chunkRows > 0} InfluxDB answers in
     * chunks of at most that many rows ({@code chunked=true&chunk_size=…}: one JSON object per chunk, so neither
     * side holds the whole answer), and a series longer than a chunk reaches the sink as consecutive
     * {@code series} calls with the same measurement and tags ({@link TimeSeriesQuery#streamChunked}).
     *
     * @param chunkRows rows per chunk, or 0 for one answer
     */
    public void stream(String influxql, String database, int chunkRows, TimeSeriesQuery.RowSink sink) {
        HttpRequest req = queryRequest(influxql, database, chunkRows);
        HttpResponse<InputStream> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new InfluxV1Exception("query failed: " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfluxV1Exception("query interrupted", 0, e);
        }
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                throw new InfluxV1Exception("query answered " + r.statusCode() + ": " + body.trim(), r.statusCode(), null);
            }
            try (JsonParser p = JSON.createParser(in)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new InfluxV1Exception("query answer is not a JSON object", 0, null);
                }
                do { // one answer, or (chunked) one object per chunk
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String name = p.currentName();
                        JsonToken t = p.nextToken();
                        if (name.equals("error") && t != JsonToken.VALUE_NULL) {
                            throw new InfluxV1Exception("query error: " + p.getString(), 400, null);
                        } else if (name.equals("results") && t == JsonToken.START_ARRAY) {
                            int index = 0;
                            while (p.nextToken() == JsonToken.START_OBJECT) {
                                streamResult(p, index++ == 0 ? sink : null);
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                } while (chunkRows > 0 && p.nextToken() == JsonToken.START_OBJECT);
                // read the answer to its end (InfluxDB's trailing newline, the chunked terminator) before the parser
                // closes the stream: closing it early makes the client drop the connection instead of reusing it.
                // A chunked answer was read to its end above (the parser closed the stream when it found none).
                if (chunkRows == 0) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
        } catch (IOException | JacksonException e) {
            throw new InfluxV1Exception("query answer unreadable: " + e.getMessage(), 0, e);
        }
    }

    /** One statement result, the parser on its START_OBJECT; series go to {@code sink} unless null. */
    private static void streamResult(JsonParser p, TimeSeriesQuery.RowSink sink) {
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("error") && t != JsonToken.VALUE_NULL) {
                throw new InfluxV1Exception("query error: " + p.getString(), 400, null);
            } else if (name.equals("series") && t == JsonToken.START_ARRAY && sink != null) {
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    streamSeries(p, sink);
                }
            } else {
                p.skipChildren();
            }
        }
    }

    /** One series (InfluxDB writes name, tags, columns, then values), the parser on its START_OBJECT. */
    private static void streamSeries(JsonParser p, TimeSeriesQuery.RowSink sink) {
        String measurement = "";
        Map<String, String> tags = Map.of();
        List<String> columns = null;
        boolean started = false;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("name") && t == JsonToken.VALUE_STRING) {
                measurement = p.getString();
            } else if (name.equals("tags") && t == JsonToken.START_OBJECT) {
                Map<String, String> read = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String key = p.currentName();
                    read.put(key, p.nextToken() == JsonToken.VALUE_NULL ? "" : p.getString());
                }
                tags = read;
            } else if (name.equals("columns") && t == JsonToken.START_ARRAY) {
                columns = new ArrayList<>();
                while (p.nextToken() == JsonToken.VALUE_STRING) {
                    columns.add(p.getString());
                }
            } else if (name.equals("values") && t == JsonToken.START_ARRAY) {
                if (columns == null) {
                    throw new InfluxV1Exception("query answer has values before columns", 0, null);
                }
                sink.series(measurement, tags, List.copyOf(columns));
                started = true;
                StreamRow row = new StreamRow(columns.size());
                while (p.nextToken() == JsonToken.START_ARRAY) {
                    row.read(p);
                    sink.row(row);
                }
            } else {
                p.skipChildren();
            }
        }
        if (!started && columns != null) {
            sink.series(measurement, tags, List.copyOf(columns));
        }
    }

    /** A row being streamed: reused for every row of a series. */
    private static final class StreamRow implements TimeSeriesQuery.Row {
        private TimeSeriesQuery.CellKind[] kinds;
        private String[] texts;
        private int size;
        private long time;

        StreamRow(int columns) {
            kinds = new TimeSeriesQuery.CellKind[Math.max(1, columns)];
            texts = new String[kinds.length];
        }

        /** Reads one row array, the parser on its START_ARRAY. */
        void read(JsonParser p) {
            size = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw new InfluxV1Exception("query answer ended inside a row", 0, null);
                }
                if (size == kinds.length) {
                    kinds = java.util.Arrays.copyOf(kinds, size * 2);
                    texts = java.util.Arrays.copyOf(texts, size * 2);
                }
                TimeSeriesQuery.CellKind k = switch (t) {
                    case VALUE_NULL -> TimeSeriesQuery.CellKind.NULL;
                    case VALUE_TRUE, VALUE_FALSE -> TimeSeriesQuery.CellKind.BOOLEAN;
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> TimeSeriesQuery.CellKind.NUMBER;
                    case VALUE_STRING -> TimeSeriesQuery.CellKind.STRING;
                    default -> throw new InfluxV1Exception("query answer has a nested value in a row", 0, null);
                };
                if (size == 0) {
                    time = k == TimeSeriesQuery.CellKind.NUMBER ? p.getLongValue() : 0;
                }
                kinds[size] = k;
                texts[size] = k == TimeSeriesQuery.CellKind.NULL ? null : p.getString();
                size++;
            }
        }

        @Override
        public long timeNanos() {
            return time;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public TimeSeriesQuery.CellKind kind(int i) {
            return kinds[i];
        }

        @Override
        public String text(int i) {
            return texts[i];
        }
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

    private HttpRequest queryRequest(String influxql, String database) {
        return queryRequest(influxql, database, 0);
    }

    private HttpRequest queryRequest(String influxql, String database, int chunkRows) {
        StringBuilder form = new StringBuilder("epoch=ns&q=").append(enc(influxql));
        if (chunkRows > 0) {
            form.append("&chunked=true&chunk_size=").append(chunkRows);
        }
        if (database != null) {
            form.append("&db=").append(enc(database));
        }
        return request("/query")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
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
