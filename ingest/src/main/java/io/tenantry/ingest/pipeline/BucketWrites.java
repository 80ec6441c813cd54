package io.tenantry.ingest.pipeline;

import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.TimeSeriesWriteException;
import io.tenantry.core.timeseries.TimeSeriesWriter;
import io.tenantry.ingest.spool.SpoolEntry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes spool entries through the {@link TimeSeriesWriter} port grouped by their target bucket (issue 9 §1: the
 * bucket is per tenant, {@code StoragePlacement.raw()}): one {@link TimeSeriesWriter#write} per bucket, buckets in
 * the order they first appear, entries of a bucket in input order. Used by {@link PointDelivery} and
 * {@link SpoolDrainer}.
 */
final class BucketWrites {
    /**
     * A point the store refused for its data.
     *
     * @param entry the point
     * @param error the store's error text
     */
    record Refused(SpoolEntry entry, String error) {
    }

    private BucketWrites() {
    }

    /**
     * @return the refused points (empty when all were stored), in bucket then input order
     * @throws TimeSeriesWriteException (retriable) as soon as one bucket's write fails; the buckets before it are
     *                                  stored, and writing them again is harmless (same series and timestamps)
     */
    static List<Refused> write(TimeSeriesWriter writer, List<SpoolEntry> entries) {
        Map<Bucket, List<SpoolEntry>> byBucket = new LinkedHashMap<>();
        for (SpoolEntry e : entries) {
            byBucket.computeIfAbsent(e.bucket(), b -> new ArrayList<>()).add(e);
        }
        List<Refused> refused = new ArrayList<>();
        for (Map.Entry<Bucket, List<SpoolEntry>> g : byBucket.entrySet()) {
            List<SpoolEntry> group = g.getValue();
            List<String> lines = new ArrayList<>(group.size());
            group.forEach(e -> lines.add(e.line()));
            for (TimeSeriesWriter.Rejected r : writer.write(g.getKey(), lines).rejected()) {
                refused.add(new Refused(group.get(r.index()), r.error()));
            }
        }
        return refused;
    }
}
