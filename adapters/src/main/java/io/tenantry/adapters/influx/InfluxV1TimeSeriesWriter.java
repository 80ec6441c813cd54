package io.tenantry.adapters.influx;

import io.tenantry.core.timeseries.Bucket;
import io.tenantry.core.timeseries.TimeSeriesWriteException;
import io.tenantry.core.timeseries.TimeSeriesWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link TimeSeriesWriter} over the InfluxDB v1 {@code /write} endpoint ({@link InfluxV1Client#write},
 * {@code precision=ns}, {@code db} and {@code rp} from the {@link Bucket}): one request per batch while InfluxDB
 * takes it.
 * <p>
 * When InfluxDB refuses a batch for its content ({@link InfluxV1Exception#retriable()} false: 400, 413, 422), the
 * batch is split in halves and each half written again, recursively, until the refused lines stand alone
 * ({@link #bisect}); they are returned as {@link TimeSeriesWriter.Rejected} and every other line is stored.
 * Re-writing lines InfluxDB already took from a partial write is harmless: a point with the same measurement, tag
 * set and timestamp overwrites itself with the same values. Cost: about {@code 2·k·log2(n)} extra requests for
 * {@code k} bad lines in a batch of {@code n}. Any other failure is thrown as a retriable
 * {@link TimeSeriesWriteException}.
 */
public final class InfluxV1TimeSeriesWriter implements TimeSeriesWriter {
    private final InfluxV1Client client;

    /** @param client a client whose user may write to the buckets it is given */
    public InfluxV1TimeSeriesWriter(InfluxV1Client client) {
        this.client = client;
    }

    @Override
    public Result write(Bucket bucket, List<String> lines) {
        return bisect(lines, body -> {
            try {
                client.write(bucket.database(), bucket.retentionPolicy(), body);
                return null;
            } catch (InfluxV1Exception e) {
                if (e.retriable()) {
                    throw new TimeSeriesWriteException(e.getMessage(), true, e.status(), e);
                }
                return e.getMessage();
            }
        });
    }

    /**
     * One request to the store.
     */
    @FunctionalInterface
    interface Sink {
        /**
         * @param body newline-separated lines
         * @return null when stored, else the store's error for a refusal of the content
         * @throws TimeSeriesWriteException (retriable) for every other failure
         */
        String write(String body);
    }

    /**
     * Writes {@code lines} through {@code sink}, halving refused batches until the refused lines stand alone.
     * Package-visible for the unit test.
     */
    static Result bisect(List<String> lines, Sink sink) {
        List<Rejected> rejected = new ArrayList<>();
        bisect(lines, 0, lines.size(), sink, rejected);
        return new Result(lines.size() - rejected.size(), rejected);
    }

    private static void bisect(List<String> lines, int from, int to, Sink sink, List<Rejected> rejected) {
        if (from >= to) {
            return;
        }
        String error = sink.write(body(lines, from, to));
        if (error == null) {
            return;
        }
        if (to - from == 1) {
            rejected.add(new Rejected(from, lines.get(from), error));
            return;
        }
        int mid = (from + to) >>> 1;
        bisect(lines, from, mid, sink, rejected);
        bisect(lines, mid, to, sink, rejected);
    }

    private static String body(List<String> lines, int from, int to) {
        int chars = to - from; // the exact length: no growing copies of a 5,000-line body (issue 15)
        for (int i = from; i < to; i++) {
            chars += lines.get(i).length();
        }
        StringBuilder sb = new StringBuilder(chars);
        for (int i = from; i < to; i++) {
            sb.append(lines.get(i)).append('\n');
        }
        return sb.toString();
    }
}
