package io.tenantry.core.timeseries;

import java.util.List;

/**
 * Writes points into a bucket. Port; the adapter for InfluxDB's v1 HTTP API is {@code InfluxV1TimeSeriesWriter}.
 */
public interface TimeSeriesWriter {
    /**
     * Writes a batch atomically from the caller's point of view: either the call returns and every point is
     * accepted, or it throws.
     *
     * @throws TimeSeriesWriteException with {@link TimeSeriesWriteException#retriable()} true for transport
     *                                  errors and 5xx, false when the database rejected the data (4xx)
     */
    void write(Bucket bucket, List<Point> points);
}
