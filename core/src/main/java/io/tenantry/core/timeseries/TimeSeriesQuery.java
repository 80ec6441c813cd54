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
}
