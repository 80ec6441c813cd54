package io.tenantry.adapters.influx;

import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.LineProtocol;
import io.tenantry.core.timeseries.Point;
import io.tenantry.core.timeseries.TimeSeriesWriteException;
import io.tenantry.core.timeseries.TimeSeriesWriter;

import java.util.List;

/**
 * {@link TimeSeriesWriter} over the InfluxDB v1 {@code /write} endpoint: one HTTP request per batch, line protocol,
 * nanosecond precision, {@code db} and {@code rp} from the {@link Bucket}.
 */
public final class InfluxV1TimeSeriesWriter implements TimeSeriesWriter {
    private final InfluxV1Client client;

    public InfluxV1TimeSeriesWriter(InfluxV1Client client) {
        this.client = client;
    }

    @Override
    public void write(Bucket bucket, List<Point> points) {
        if (points.isEmpty()) {
            return;
        }
        try {
            client.write(bucket.database(), bucket.retentionPolicy(), LineProtocol.toLines(points));
        } catch (InfluxV1Exception e) {
            throw new TimeSeriesWriteException(e.getMessage(), e.retriable(), e.status(), e);
        }
    }
}
