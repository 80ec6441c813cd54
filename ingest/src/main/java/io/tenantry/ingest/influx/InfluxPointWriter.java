package io.tenantry.ingest.influx;

import io.tenantry.adapters.influx.InfluxV1Client;
import io.tenantry.adapters.influx.InfluxV1Exception;
import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.TimeSeriesWriteException;
import io.tenantry.ingest.spool.SpoolEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes line protocol to one bucket through the InfluxDB v1 {@code /write} endpoint
 * ({@link InfluxV1Client#write}, {@code precision=ns}) and isolates points InfluxDB refuses.
 * <p>
 * When InfluxDB answers a data error (400, 413, 422) for a batch, the batch is split in halves and each half is
 * written again, recursively, until the refused points stand alone; they are returned as {@link Rejected} and
 * every other point is stored. Re-writing points InfluxDB already took from a partial write is harmless: a point
 * with the same measurement, tag set and timestamp overwrites itself with the same values. Cost: about
 * {@code 2·k·log2(n)} extra requests for {@code k} bad points in a batch of {@code n}.
 * <p>
 * Every other failure (transport, 5xx, 429, and also 401/403/404 — a credential or database problem is not the
 * data's fault) is thrown as a retriable {@link TimeSeriesWriteException}.
 */
public final class InfluxPointWriter {
    /**
     * A point InfluxDB refused.
     *
     * @param entry the point
     * @param error InfluxDB's error text
     */
    public record Rejected(SpoolEntry entry, String error) {
    }

    private final InfluxV1Client client;
    private final Bucket bucket;

    /**
     * @param client a client authenticated as the ingest InfluxDB user
     * @param bucket the target bucket ({@code SharedBuckets.RAW})
     */
    public InfluxPointWriter(InfluxV1Client client, Bucket bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    /**
     * Writes the points.
     *
     * @return the points InfluxDB refused (empty when all were stored)
     * @throws TimeSeriesWriteException (retriable) when InfluxDB is unreachable, failing, or refuses the
     *                                  credential; some points may have been stored already
     */
    public List<Rejected> write(List<SpoolEntry> entries) {
        List<Rejected> rejected = new ArrayList<>();
        write(entries, rejected);
        return rejected;
    }

    private void write(List<SpoolEntry> entries, List<Rejected> rejected) {
        if (entries.isEmpty()) {
            return;
        }
        try {
            client.write(bucket.database(), bucket.retentionPolicy(), body(entries));
        } catch (InfluxV1Exception e) {
            if (!isDataError(e.status())) {
                throw new TimeSeriesWriteException(e.getMessage(), true, e.status(), e);
            }
            if (entries.size() == 1) {
                rejected.add(new Rejected(entries.get(0), e.getMessage()));
                return;
            }
            int mid = entries.size() / 2;
            write(entries.subList(0, mid), rejected);
            write(entries.subList(mid, entries.size()), rejected);
        }
    }

    /** 400 (unparsable, type conflict, beyond retention), 413 (too large), 422: the data, not the server. */
    static boolean isDataError(int status) {
        return status == 400 || status == 413 || status == 422;
    }

    private static String body(List<SpoolEntry> entries) {
        StringBuilder sb = new StringBuilder(entries.size() * 160);
        for (SpoolEntry e : entries) {
            sb.append(e.line()).append('\n');
        }
        return sb.toString();
    }
}
