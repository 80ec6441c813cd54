package io.tenantry.adapters.influx;

import io.tenantry.core.error.UnavailableException;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.QueryRejectedException;
import io.tenantry.core.timeseries.TimeSeriesQuery;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link TimeSeriesQuery} over the InfluxDB v1 {@code /query} endpoint ({@link InfluxV1Client#query},
 * {@code epoch=ns}, {@code db} = the bucket's database). Errors follow {@link InfluxV1Exception#retriable()}:
 * refused statements become {@link QueryRejectedException}, everything else {@link UnavailableException}
 * ({@link TimeSeriesQuery#UNAVAILABLE}).
 */
public final class InfluxV1TimeSeriesQuery implements TimeSeriesQuery {
    private final InfluxV1Client client;

    /** @param client a client whose user may read the buckets it is asked about */
    public InfluxV1TimeSeriesQuery(InfluxV1Client client) {
        this.client = client;
    }

    @Override
    public List<Series> query(Bucket bucket, String statement) {
        List<InfluxV1Client.Result> results;
        try {
            results = client.query(statement, bucket.database());
        } catch (InfluxV1Exception e) {
            if (e.retriable()) {
                throw new UnavailableException(UNAVAILABLE, "the time-series store is unavailable: " + e.getMessage(), e);
            }
            throw new QueryRejectedException(e.getMessage(), e);
        }
        List<Series> out = new ArrayList<>();
        if (!results.isEmpty()) {
            for (InfluxV1Client.Series s : results.get(0).series()) {
                out.add(new Series(s.name(), s.tags(), s.columns(), s.values()));
            }
        }
        return out;
    }

    /** {@inheritDoc} Streams InfluxDB's answer from the connection ({@link InfluxV1Client#stream}). */
    @Override
    public void stream(Bucket bucket, String statement, RowSink sink) {
        streamChunked(bucket, statement, 0, sink);
    }

    /** {@inheritDoc} InfluxDB's {@code chunked=true} answer, read from the connection chunk by chunk. */
    @Override
    public void streamChunked(Bucket bucket, String statement, int chunkRows, RowSink sink) {
        try {
            client.stream(statement, bucket.database(), chunkRows, sink);
        } catch (InfluxV1Exception e) {
            if (e.retriable()) {
                throw new UnavailableException(UNAVAILABLE, "the time-series store is unavailable: " + e.getMessage(), e);
            }
            throw new QueryRejectedException(e.getMessage(), e);
        }
    }
}
