package io.tenantry.core.timeseries;

import io.tenantry.core.error.UnavailableException;

import java.util.List;
import java.util.Map;

/**
 * Reads from a bucket: statement + bucket → typed series. Port; the adapter for InfluxDB's v1 HTTP API is
 * {@code InfluxV1TimeSeriesQuery}, and statements are InfluxQL (the language the v1 API of InfluxDB 1.x, 2.x and
 * 3.x serves). Callers build statements with the adapter's quoting helpers and never from raw user input; they
 * resolve the bucket from the tenant's {@link StoragePlacement} ({@link StoragePlacements}).
 * <p>
 * Errors, mapped to the core error kinds with the same retriability rule as {@link TimeSeriesWriter}:
 * {@link QueryRejectedException} (INVALID) when the store refuses the statement (parse error, type error,
 * unknown function: HTTP 400 or an {@code error} in the result), {@link UnavailableException} (UNAVAILABLE,
 * code {@link #UNAVAILABLE}) for everything else — no answer, 5xx, 429, 401/403/404.
 */
public interface TimeSeriesQuery {
    /** Error code of the {@link UnavailableException} this port throws. */
    String UNAVAILABLE = "timeseries:unavailable";

    /**
     * One series of a result.
     *
     * @param measurement the (stored) measurement name
     * @param tags        the GROUP BY tag values, empty without GROUP BY tags
     * @param columns     column names; {@code time} first for data queries
     * @param rows        one list per row, aligned with {@code columns}: {@code time} as epoch nanoseconds (Long),
     *                    values as Long, Double, Boolean, String or null
     */
    record Series(String measurement, Map<String, String> tags, List<String> columns, List<List<Object>> rows) {
        public Series {
            tags = Map.copyOf(tags);
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
        }
    }

    /**
     * Runs one statement against the bucket's database and retention policy.
     *
     * @param bucket    where to read (its database is the statement's context; qualify measurements with
     *                  {@code "<db>"."<rp>"."<measurement>"} to name the retention policy)
     * @param statement one InfluxQL statement
     * @return its series, in the store's order; empty when nothing matched
     * @throws QueryRejectedException when the store refuses the statement
     * @throws UnavailableException   when the store cannot answer now
     */
    List<Series> query(Bucket bucket, String statement);

    /** What a streamed cell holds ({@link Row#kind}). */
    enum CellKind { NULL, BOOLEAN, NUMBER, STRING }

    /**
     * One row of a streamed answer, valid only during {@link RowSink#row} (the adapter reuses it for the next row).
     * Cell {@code i} is aligned with the series' columns; cell 0 is {@code time}.
     */
    interface Row {
        /** {@code time} as epoch nanoseconds. */
        long timeNanos();

        /** Number of cells, {@code time} included. */
        int size();

        /** What cell {@code i} holds. */
        CellKind kind(int i);

        /**
         * Cell {@code i} as text: a NUMBER as the store wrote it (a JSON number, e.g. {@code 21.5}, {@code 7},
         * {@code 1e-05}), a BOOLEAN as {@code true}/{@code false}, a STRING unquoted; null for NULL.
         */
        String text(int i);
    }

    /** Receives a streamed answer: per series its columns, then its rows. */
    interface RowSink {
        /** A series begins; {@code columns} has {@code time} first. */
        void series(String measurement, List<String> columns);

        /**
         * A series begins, with its GROUP BY tag values (empty without GROUP BY tags); {@code columns} has
         * {@code time} first. Adapters call this one; by default it forgets the tags and calls
         * {@link #series(String, List)}.
         */
        default void series(String measurement, Map<String, String> tags, List<String> columns) {
            series(measurement, columns);
        }

        /** One row of the current series. */
        void row(Row row);
    }

    /**
     * Runs one statement like {@link #query} but hands its rows to {@code sink} as they are read, without building
     * a {@link Series} tree (issue 15: the telemetry read path streams the store's answer). Same errors as
     * {@link #query}; a failure may come after some rows were handed over, so the sink must not publish them
     * before this returns. This default builds the series with {@link #query} and replays them.
     */
    default void stream(Bucket bucket, String statement, RowSink sink) {
        for (Series s : query(bucket, statement)) {
            sink.series(s.measurement(), s.tags(), s.columns());
            for (List<Object> r : s.rows()) {
                sink.row(new Row() {
                    public long timeNanos() {
                        return ((Number) r.get(0)).longValue();
                    }

                    public int size() {
                        return r.size();
                    }

                    public CellKind kind(int i) {
                        Object v = r.get(i);
                        return v == null ? CellKind.NULL : v instanceof Boolean ? CellKind.BOOLEAN
                                : v instanceof Number ? CellKind.NUMBER : CellKind.STRING;
                    }

                    public String text(int i) {
                        Object v = r.get(i);
                        return v == null ? null : String.valueOf(v);
                    }
                });
            }
        }
    }

    /**
     * Like {@link #stream}, for answers too large to hold in memory on either side (issue 15: a rollup pass over a
     * busy tenant read up to an hour of raw points into one answer and the quota-service ran out of heap). The
     * store sends the answer in chunks of at most {@code chunkRows} rows (InfluxDB's {@code chunked=true} and
     * {@code chunk_size}), so <b>one series may reach the sink as several consecutive
     * {@link RowSink#series(String, Map, List)} calls with the same measurement and tags</b>; a sink aggregating
     * per series must continue the current series when the next call names the same one. Same errors as
     * {@link #query}. This default streams the whole answer ({@link #stream}).
     *
     * @param chunkRows the most rows per chunk, ≥ 1
     */
    default void streamChunked(Bucket bucket, String statement, int chunkRows, RowSink sink) {
        stream(bucket, statement, sink);
    }
}
